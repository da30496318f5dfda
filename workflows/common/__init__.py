"""What the meeting workflows share: the step loop, sign-off rounds, activity options."""
