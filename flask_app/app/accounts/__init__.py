"""Accounts: sign up, sign in, sign out, change or reset a password."""
