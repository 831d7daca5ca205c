import pytest

import snnlib


@pytest.fixture
def eif_network():
    """A sparse E-I network of EIF neurons with white-noise drive and weak coupling (2,500 neurons)."""
    net = snnlib.Network(seed=2)
    net.add_population("E", snnlib.EIF(), 2000)
    net.add_population("I", snnlib.EIF(), 500)
    net.connect("E", ["E", "I"], rule="fixed_indegree", indegree=100, j=0.2, delay=1.5)
    net.connect("I", ["E", "I"], rule="fixed_indegree", indegree=25, j=-1.0, delay=1.5)
    net.add_white_noise(["E", "I"], mu=14.0, sigma=4.0)
    return net
