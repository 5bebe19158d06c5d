"""Tests of the trainers review console (console/)."""
