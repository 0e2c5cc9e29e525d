"""accounts: account care and tenancy as use cases (above the one door; ``auth`` below it
holds identities, the permission table and the scope check)."""
