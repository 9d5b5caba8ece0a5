"""Credentials between our own services: loading and checking secrets, signing calls to internal routes.

A library, not a service: every service (both virtualenvs) imports it, and it imports no service.
"""
