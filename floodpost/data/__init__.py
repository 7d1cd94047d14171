"""The data: the domain schema, workspaces and their storage, reading what counties send, the
situation as of any moment, and every file FloodPost writes from data. Never imports Qt."""
