"""Audio datasets: decoding, resampling, the validation split, random crops.

FLAC files of mixed rates and channel counts are decoded once with the
`ffmpeg` binary (a project dependency already) to float32 at the model's
rate, one array per channel, and cached as .npy files: each channel is a
mono training signal, as the codec codes each channel on its own.
"""
import os
import subprocess
from typing import Dict, List, Sequence

import numpy as np
import torch

AUDIO_EXTENSIONS = (".flac", ".wav", ".ogg", ".mp3")
SPLIT_FILE = os.path.join(os.path.dirname(__file__), "..", "audio_val_split.txt")


def list_audio(folder: str) -> List[str]:
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(AUDIO_EXTENSIONS))
    if not names:
        raise FileNotFoundError(f"no audio files in {folder}")
    return names


def choose_validation(names: Sequence[str], every: int = 10) -> List[str]:
    """About 1 file in `every`, spread over each source group (the name up to
    its first '_': speech, music, sms, ...), so speech and music both appear."""
    groups: Dict[str, List[str]] = {}
    for name in sorted(names):
        groups.setdefault(name.split("_")[0], []).append(name)
    chosen = []
    for members in groups.values():
        chosen.extend(members[every // 2::every])
    return sorted(chosen)


def read_split(path: str = SPLIT_FILE) -> List[str]:
    with open(path) as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]


def decode(path: str, sample_rate: int) -> np.ndarray:
    """float32 (channels, samples) in [-1, 1] at `sample_rate`."""
    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels",
                            "-of", "csv=p=0", path], capture_output=True, text=True, check=True)
    channels = int(probe.stdout.strip().split(",")[0])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-ar", str(sample_rate), "-f", "f32le",
                          "-acodec", "pcm_f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32).reshape(-1, channels).T.copy()


def load_cached(folder: str, name: str, sample_rate: int, cache: str) -> np.ndarray:
    """decode() of folder/name, through a .npy cache in `cache`."""
    os.makedirs(cache, exist_ok=True)
    cached = os.path.join(cache, f"{os.path.splitext(name)[0]}.{sample_rate}.npy")
    if os.path.exists(cached):
        return np.load(cached)
    audio = decode(os.path.join(folder, name), sample_rate)
    tmp = cached + ".tmp.npy"
    np.save(tmp, audio)
    os.replace(tmp, cached)
    return audio


def load_signals(folder: str, names: Sequence[str], sample_rate: int, cache: str) -> List[torch.Tensor]:
    """Every channel of every file as a mono float tensor (samples,)."""
    signals = []
    for name in names:
        for channel in load_cached(folder, name, sample_rate, cache):
            signals.append(torch.from_numpy(channel))
    return signals


class RandomAudioCrops:
    """Random mono crops, weighted by length, with random gain and polarity.

    Near-silent crops are redrawn: they teach nothing and waste a step.
    """

    def __init__(self, signals: List[torch.Tensor], crop: int, seed: int = 0):
        self.signals = [s for s in signals if s.numel() >= crop]
        if not self.signals:
            raise ValueError(f"no signal is at least {crop} samples long")
        self.crop = crop
        lengths = torch.tensor([float(s.numel() - crop + 1) for s in self.signals])
        self.weights = lengths / lengths.sum()
        self.generator = torch.Generator().manual_seed(seed)

    def _one(self) -> torch.Tensor:
        for _ in range(20):
            signal = self.signals[int(torch.multinomial(self.weights, 1, generator=self.generator))]
            start = int(torch.randint(signal.numel() - self.crop + 1, (1,), generator=self.generator))
            crop = signal[start:start + self.crop]
            if float(crop.abs().max()) > 1e-3:
                break
        peak = float(crop.abs().max()) + 1e-9
        # Levels from -30 dB to 0 dB full scale: the codec must work at any loudness.
        level = 10 ** (-1.5 * float(torch.rand(1, generator=self.generator)))
        sign = 1.0 if float(torch.rand(1, generator=self.generator)) < 0.5 else -1.0
        return crop * (sign * min(level / peak, 10.0))

    def batch(self, size: int) -> torch.Tensor:
        """(size, 1, crop) float."""
        return torch.stack([self._one() for _ in range(size)]).unsqueeze(1).clamp(-1, 1)


def calibration_signals(folder: str, cache: str, sample_rate: int, files: int = 8, seconds: int = 20):
    """A few training channels (never validation ones), `seconds` long at most,
    spread over the sorted file list: what export calibrates the integer
    hyper-synthesis' activation ranges with."""
    validation = set(read_split())
    names = [n for n in list_audio(folder) if n not in validation]
    chosen = names[::max(1, len(names) // files)]
    return [s[:seconds * sample_rate] for s in load_signals(folder, chosen, sample_rate, cache)]
