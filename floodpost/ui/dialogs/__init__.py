"""Dialogs: import wizard, tally entry, feature forms and undo commands, press composer, replay, tiles."""
