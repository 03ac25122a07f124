"""Colours as people with the common colour-vision deficiencies see them (Machado, Oliveira and Fernandes
2009, full severity), and how far apart two colours look (CIE76 distance in CIELAB)."""
import numpy as np
from matplotlib.colors import to_rgb

DEFICIENCIES = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
WHITE = np.array([0.95047, 1.0, 1.08883])


def linear_rgb(colour):
    """A matplotlib colour ('#rrggbb', '#333', a name) -> linear RGB in 0..1."""
    c = np.array(to_rgb(colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb):
    """Linear RGB -> CIELAB."""
    xyz = SRGB_TO_XYZ @ rgb / WHITE
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a, b, deficiency=None):
    """How far apart colours a and b look (CIE76), to typical vision or with `deficiency`."""
    ra, rb = linear_rgb(a), linear_rgb(b)
    if deficiency:
        m = np.array(DEFICIENCIES[deficiency])
        ra, rb = np.clip(m @ ra, 0, 1), np.clip(m @ rb, 0, 1)
    return float(np.linalg.norm(lab(ra) - lab(rb)))
