// A CdfTable of discretized Laplacians for encoder tests: CDF i codes
// -half_range..half_range with scale first_scale * growth^i, like the
// Gaussian scale table of a real model (narrow to wide).
#ifndef LCODEC_TESTS_CODEC_LAPLACIAN_TABLE_H_
#define LCODEC_TESTS_CODEC_LAPLACIAN_TABLE_H_

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "entropy/cdf_table.h"

namespace lcodec {

inline entropy::CdfTable LaplacianTable(int tables, double first_scale, double growth, int half_range) {
  std::vector<std::vector<double>> pmfs;
  for (int index = 0; index < tables; ++index) {
    const double scale = first_scale * std::pow(growth, index);
    std::vector<double> pmf;
    for (int v = -half_range; v <= half_range; ++v) pmf.push_back(std::exp(-std::abs(v) / scale));
    pmfs.push_back(pmf);
  }
  entropy::CdfTable table;
  EXPECT_TRUE(entropy::CdfTable::FromPmfs(pmfs, std::vector<double>(tables, 1e-9),
                                          std::vector<int32_t>(tables, -half_range), &table)
                  .ok());
  return table;
}

}  // namespace lcodec

#endif  // LCODEC_TESTS_CODEC_LAPLACIAN_TABLE_H_
