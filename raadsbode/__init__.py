"""Raadsbode: the town-hall usher, made durable."""
