"""The one metrics service that every screen, printout and CLI report reads.

Filled in by the metrics work (see docs/metrics.md); nothing outside this
package computes a sales figure.
"""
