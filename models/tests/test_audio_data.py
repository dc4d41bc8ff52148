import math

import torch

from lcodec.audio_data import RandomAudioCrops, choose_validation, read_split
from lcodec.audio_losses import MelDistance, distortion, snr_db


def test_validation_split_covers_every_group_and_is_deterministic():
    names = [f"speech_libri_{i:03d}.flac" for i in range(40)] + [f"music_x_{i}.flac" for i in range(12)] + \
        ["nature_a.flac"]
    chosen = choose_validation(names)
    assert chosen == choose_validation(list(reversed(names)))
    assert sum(n.startswith("speech") for n in chosen) == 4 and sum(n.startswith("music") for n in chosen) == 1
    assert "nature_a.flac" not in chosen  # too small a group to give one away


def test_shipped_split_lists_speech_and_music():
    names = read_split()
    assert len(names) == len(set(names)) >= 10
    assert any(n.startswith("speech_") for n in names) and any(n.startswith("music_") for n in names)


def test_random_crops_have_the_crop_length_and_skip_silence():
    silent, loud = torch.zeros(50000), 0.5 * torch.sin(torch.arange(50000) * 0.1)
    crops = RandomAudioCrops([silent, loud, torch.ones(10)], 4096, seed=3).batch(6)
    assert crops.shape == (6, 1, 4096)
    assert float(crops.abs().amax(dim=2).min()) > 1e-3
    assert float(crops.abs().max()) <= 1.0


def test_mel_distance_and_snr():
    mel = MelDistance(48000)
    x = 0.3 * torch.sin(2 * math.pi * 1000 * torch.arange(8192) / 48000).reshape(1, 1, -1)
    noisy = x + 0.01 * torch.randn_like(x)
    assert float(mel(x, x)) == 0.0
    assert float(mel(x, noisy)) > float(mel(x, x + 0.001 * torch.randn_like(x))) > 0
    assert abs(float(snr_db(x, 1.1 * x)) - 20.0) < 1e-3
    assert float(distortion(mel, x, noisy)) > float(distortion(mel, x, x))
