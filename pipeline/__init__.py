"""Offline German→English translation and bilingual publishing pipeline."""

__version__ = "0.4.0"
