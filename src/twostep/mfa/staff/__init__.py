"""Staff: the gate of the admin site and the support console, the admin site, and the identity check support
records before a reset or lifting a hold."""
