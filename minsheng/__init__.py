"""Minsheng (民生): deputies' suggestions, supervision, ledgers and micro-wishes."""
