"""Offline code sets for orders read off faxes: NPI, ICD-10-CM, HCPCS Level II and CPT.

Each module answers one question about one code set; nothing here reaches the network.
"""
