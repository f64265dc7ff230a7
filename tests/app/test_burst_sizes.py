"""The burst sizes the Playground and Compare offer, from one rule (ui.common.burst)."""

from __future__ import annotations

from ui.common.burst import size_up_to, sizes_within


def test_sizes_within_the_budget_keep_at_least_the_smallest():
    assert sizes_within((10, 50, 100), 60) == [10, 50]
    assert sizes_within((10, 50, 100), 5) == [10]


def test_the_current_choice_is_offered_when_it_is_a_size():
    assert sizes_within((10, 50), 1000, current=70) == [10, 50, 70]
    assert sizes_within((10, 50), 1000, current="70") == [10, 50]
    assert sizes_within((10, 50), 60, current=70) == [10, 50]


def test_size_up_to_takes_the_largest_that_fits_else_the_smallest():
    assert size_up_to([10, 50, 100], 200) == 100
    assert size_up_to([10, 50], 40) == 10
    assert size_up_to([10, 50], 5) == 10
