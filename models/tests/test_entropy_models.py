import numpy as np
import torch

from lcodec.entropy_models import CDF_PRECISION, EntropyBottleneck, GaussianConditional, quantize_pmf


def check_cdf(cdf, symbols):
    assert cdf.dtype == np.uint32
    assert len(cdf) == symbols + 1
    assert cdf[0] == 0 and cdf[-1] == 1 << CDF_PRECISION
    assert np.all(np.diff(cdf.astype(np.int64)) >= 1), "a symbol got zero frequency"


def test_quantize_pmf_never_gives_zero_frequency():
    pmf = np.array([1.0, 1e-30, 0.0, 0.5, 1e-12])
    check_cdf(quantize_pmf(pmf, 0.0), len(pmf) + 1)


def test_quantize_pmf_follows_probabilities():
    pmf = np.array([0.1, 0.2, 0.7])
    freq = np.diff(quantize_pmf(pmf, 1e-9).astype(np.int64))
    assert abs(freq[2] / 65536 - 0.7) < 1e-3 and abs(freq[0] / 65536 - 0.1) < 1e-3


def test_quantize_pmf_rejects_bad_input():
    for bad in ([-0.1, 1.0], [np.nan, 1.0], [0.0, 0.0]):
        try:
            quantize_pmf(np.array(bad), 0.0)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_gaussian_tables_cover_each_scale():
    gc = GaussianConditional()
    cdfs, offsets = gc.cdf_tables()
    assert len(cdfs) == len(gc.scale_table)
    for cdf, offset, scale in zip(cdfs, offsets, gc.scale_table.tolist()):
        check_cdf(cdf, len(cdf) - 1)
        assert offset == -(len(cdf) - 3) // 2
        assert -offset >= 6 * scale  # the table spans at least +-6 sigma


def test_gaussian_likelihood_sums_to_one():
    gc = GaussianConditional()
    values = torch.arange(-60, 61, dtype=torch.float32)
    total = gc.likelihood(values, torch.full_like(values, 3.0)).sum()
    assert abs(float(total) - 1) < 1e-4


def test_bottleneck_tables_match_its_likelihoods():
    torch.manual_seed(0)
    eb = EntropyBottleneck(4).eval()
    cdfs, offsets = eb.cdf_tables()
    assert len(cdfs) == 4
    for c, (cdf, offset) in enumerate(zip(cdfs, offsets)):
        check_cdf(cdf, len(cdf) - 1)
        # The most probable symbol of the table is the likelihood's mode.
        values = torch.arange(offset, offset + len(cdf) - 2, dtype=torch.float32)
        z = torch.zeros(len(values), 4, 1, 1)
        z[:, c, 0, 0] = values
        lik = eb.likelihood(z)[:, c, 0, 0]
        assert int(np.argmax(np.diff(cdf.astype(np.int64))[:-1])) == int(torch.argmax(lik))


def test_quantize_pmf_matches_the_cpp_worked_examples():
    # The same cases as CdfTableTest.FromPmfsFollowsTheDocumentedAlgorithm in
    # tests/entropy/cdf_table_test.cc: both sides must build identical tables.
    cases = [
        (([0.5, 0.25, 0.25], 0.0), [0, 32767, 49151, 65535, 65536]),
        (([3, 1], 0.0), [0, 49151, 65535, 65536]),
        (([1, 1], 0.0), [0, 32768, 65535, 65536]),
        (([1], 1), [0, 32768, 65536]),
    ]
    for (pmf, tail), expected in cases:
        assert quantize_pmf(np.array(pmf, dtype=np.float64), tail).tolist() == expected


def test_fit_quantiles_finds_the_tails_of_the_density():
    torch.manual_seed(0)
    eb = EntropyBottleneck(4)
    with torch.no_grad():
        eb.quantiles.mul_(0.1)  # far off, as after few auxiliary steps
        for m in eb.matrices:
            m.add_(torch.randn_like(m) * 0.3)
    eb.fit_quantiles()
    logits = eb._logits_cumulative(eb.quantiles)
    assert torch.allclose(logits, eb.quantile_targets.reshape(1, 1, 3).expand_as(logits), atol=1e-3)
    assert float(eb.aux_loss()) < 0.01
