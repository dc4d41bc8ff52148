// The runner's command-line pieces: shard specs and image listing.
#include <gtest/gtest.h>

#include "eval/image_runner.h"

namespace lcodec::eval {
namespace {

TEST(ImageRunnerTest, ParsesShards) {
  Shard shard;
  ASSERT_TRUE(ParseShard("0/1", &shard).ok());
  EXPECT_EQ(shard.index, 0);
  EXPECT_EQ(shard.count, 1);
  ASSERT_TRUE(ParseShard("3/4", &shard).ok());
  EXPECT_EQ(shard.index, 3);
  EXPECT_EQ(shard.count, 4);
  for (const char* bad : {"", "1", "4/4", "1/0", "-1/2", "a/b", "1/", "/2", "1/2/3", "1 /2", "9999999/99999999"})
    EXPECT_FALSE(ParseShard(bad, &shard).ok()) << bad;
}

TEST(ImageRunnerTest, ListsImagesSorted) {
  std::vector<std::string> names;
  ASSERT_TRUE(ListImages(LCODEC_TEST_IMAGES, &names).ok());
  EXPECT_EQ(names, (std::vector<std::string>{"astronaut_256.png", "chelsea.png", "coffee_300x200.png",
                                             "rocket_213x320.png"}));
  EXPECT_FALSE(ListImages(std::string(LCODEC_TEST_IMAGES) + "/none", &names).ok());
  EXPECT_FALSE(ListImages(std::string(LCODEC_TEST_IMAGES) + "/..", &names).ok());  // no images directly inside
}

}  // namespace
}  // namespace lcodec::eval
