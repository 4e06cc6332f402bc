"""The account pages of the accounts app that need a step-up: change the e-mail address, change the password."""
