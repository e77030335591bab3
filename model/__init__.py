"""The shared vocabulary: document, fields, viewer, errors, settings. Imports nothing of ours."""
