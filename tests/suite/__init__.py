"""Tests of the conformance suite's machinery: catalogue, plugin, reports, runner."""
