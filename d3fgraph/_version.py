"""The release number, in the one place the build and the cache key both read it."""

VERSION = "0.1.0"
