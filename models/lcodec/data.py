"""Image datasets for training and validation."""
import os
from typing import List

import numpy as np
import torch
from PIL import Image

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff", ".webp")


def list_images(folder: str) -> List[str]:
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTENSIONS))
    if not names:
        raise FileNotFoundError(f"no images in {folder}")
    return [os.path.join(folder, n) for n in names]


def load_rgb(path: str) -> torch.Tensor:
    """uint8 tensor (3, H, W)."""
    with Image.open(path) as image:
        array = np.asarray(image.convert("RGB"))
    return torch.from_numpy(array.copy()).permute(2, 0, 1).contiguous()


class RandomCrops:
    """Random crops with flips from a folder of images, all held in memory
    (the training set is ~170 one-megapixel photos: ~0.5 GB as uint8)."""

    def __init__(self, folder: str, crop: int, seed: int = 0):
        self.images = [img for img in map(load_rgb, list_images(folder)) if min(img.shape[1:]) >= crop]
        if not self.images:
            raise ValueError(f"no image in {folder} is at least {crop}x{crop}")
        self.crop = crop
        self.generator = torch.Generator().manual_seed(seed)

    def batch(self, size: int) -> torch.Tensor:
        """Float batch (size, 3, crop, crop) in [0, 1]."""
        crops = []
        for _ in range(size):
            img = self.images[int(torch.randint(len(self.images), (1,), generator=self.generator))]
            top = int(torch.randint(img.shape[1] - self.crop + 1, (1,), generator=self.generator))
            left = int(torch.randint(img.shape[2] - self.crop + 1, (1,), generator=self.generator))
            patch = img[:, top:top + self.crop, left:left + self.crop]
            if torch.rand(1, generator=self.generator) < 0.5:
                patch = patch.flip(2)
            if torch.rand(1, generator=self.generator) < 0.5:
                patch = patch.flip(1)
            crops.append(patch)
        return torch.stack(crops).float() / 255.0
