"""Accounts: sign up, sign in, sign out."""
