"""The rollout of an organization's MFA policy: the *Require MFA* switch (now or from a date), the grace period and
its banner, notifying the members, and the members page with its CSV export."""
