"""The Lambda sizing model `make bench` prints, and the memory the template gives every function."""

import pytest

from bench import sizing


def test_a_cpu_bound_stretch_slows_in_proportion_to_memory_below_one_vcpu():
    at_256, at_512, at_1024 = sizing.model(20.0, 700.0)
    assert at_256.registration_ms == pytest.approx(20.0 * 1769 / 256 + sizing.AWS_WAIT_MS)
    assert at_1024.cold_start_s == pytest.approx(0.7 * 1769 / 1024)
    # Twice the memory costs less than twice as much: the CPU-bound part gets shorter.
    assert at_256.cost_per_1000 < at_512.cost_per_1000 < 2 * at_256.cost_per_1000
    assert sizing.model(20.0, 700.0, (4096,))[0].registration_ms == 20.0 + sizing.AWS_WAIT_MS


@pytest.mark.parametrize(("cpu_ms", "cold_start_cpu_ms"), [(14.0, 600.0), (20.0, 700.0), (26.0, 850.0)])
def test_the_template_gives_what_the_model_picks_for_the_cpu_the_benchmark_measures(cpu_ms, cold_start_cpu_ms):
    """The range `make bench` measured on the project's machine (README, Benchmark)."""
    assert sizing.pick(cpu_ms, cold_start_cpu_ms) == sizing.template_memory_mb() == 1024


def test_a_lighter_handler_would_be_sized_down():
    assert sizing.pick(5.0, 300.0) == 512
    assert sizing.pick(2.0, 100.0) == 256
