"""Claim materials: reading invoices (OCR) and what was found in them. A library: the policy API uses it; it
imports no service."""
