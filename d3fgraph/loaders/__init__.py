"""Readers that turn D3FEND, OCSF and project files into d3fgraph's in-memory models.

Submodules are imported on demand: compiling OCSF pulls in ocsf-lib, which the warm path
(loading a cached model) must not pay for.
"""
