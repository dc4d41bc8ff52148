// runtime/archive_check.h: the pickles and archives libtorch would
// mishandle are refused, what torch.jit.save writes is accepted.
#include "runtime/archive_check.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/image_model.h"
#include "runtime/zip_archive.h"
#include "tests/fuzz/zip_reseal.h"

namespace lcodec::runtime {
namespace {

// Writes a pickle opcode by opcode.
class Pickle {
 public:
  Pickle() { Op(0x80).Le(2, 1); }  // PROTO 2

  Pickle& Op(uint8_t opcode) {
    bytes_.push_back(opcode);
    return *this;
  }
  Pickle& Le(uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) bytes_.push_back(static_cast<uint8_t>(value >> (8 * i)));
    return *this;
  }
  Pickle& Int(int value) { return value < 256 ? Op('K').Le(value, 1) : Op('J').Le(value, 4); }  // BININT1, BININT
  Pickle& String(const std::string& s) {
    Op('X').Le(s.size(), 4);
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    return *this;
  }
  Pickle& Global(const std::string& module, const std::string& name) {
    Op('c');
    const std::string lines = module + "\n" + name + "\n";
    bytes_.insert(bytes_.end(), lines.begin(), lines.end());
    return *this;
  }
  Pickle& IntTuple(const std::vector<int>& values) {
    Op('(');
    for (int v : values) Int(v);
    return Op('t');
  }
  // BINPERSID of a float storage of `elements` read from record `key`.
  Pickle& Storage(const std::string& key, int elements) {
    Op('(').String("storage").Global("torch", "FloatStorage").String(key).String("cpu").Int(elements);
    return Op('t').Op('Q');
  }
  // _rebuild_tensor_v2(storage, offset, sizes, strides, requires_grad) on storage `key`.
  Pickle& Tensor(const std::string& key, int storage_elements, int offset, const std::vector<int>& sizes,
                 const std::vector<int>& strides) {
    Global("torch._utils", "_rebuild_tensor_v2").Op('(').Storage(key, storage_elements).Int(offset);
    return IntTuple(sizes).IntTuple(strides).Op(0x89).Op('t').Op('R');  // NEWFALSE TUPLE REDUCE
  }
  std::vector<uint8_t> Stop() const {
    std::vector<uint8_t> bytes = bytes_;
    bytes.push_back('.');
    return bytes;
  }

 private:
  std::vector<uint8_t> bytes_;
};

// Checks `pickle`, whose tensor data is one record "0" of `record_bytes`.
Status Check(const Pickle& pickle, uint64_t record_bytes = 16, uint64_t budget = 1 << 20) {
  TensorRecords records;
  records.budget = budget;
  records.size = [&](const std::string& key) -> std::optional<uint64_t> {
    if (key == "0") return record_bytes;
    return std::nullopt;
  };
  const std::vector<uint8_t> bytes = pickle.Stop();
  return CheckPickle(bytes.data(), bytes.size(), &records);
}

void ExpectRefused(const Status& status, const std::string& why) {
  EXPECT_FALSE(status.ok()) << "accepted; expected: " << why;
  EXPECT_NE(status.message().find(why), std::string::npos) << status.message();
}

TEST(CheckPickle, AcceptsTensorsWithinTheirStorage) {
  EXPECT_TRUE(Check(Pickle().Tensor("0", 4, 0, {4}, {1})).ok());
  EXPECT_TRUE(Check(Pickle().Tensor("0", 4, 0, {2, 2}, {2, 1})).ok());
  EXPECT_TRUE(Check(Pickle().Tensor("0", 4, 3, {4}, {0})).ok());  // one element four times
  EXPECT_TRUE(Check(Pickle().Tensor("0", 4, 200, {0, 5}, {9, 9})).ok());  // no elements
  EXPECT_TRUE(Check(Pickle().Tensor("0", 0, 0, {7, 0}, {1, 1}), 0).ok());
}

TEST(CheckPickle, RefusesAStorageLargerThanItsRecord) {
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {4}, {1}), 15), "storage larger than its data");
  ExpectRefused(Check(Pickle().Storage("0", 255), 16), "storage larger than its data");
}

TEST(CheckPickle, RefusesATensorLargerThanItsStorage) {
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {5}, {1})), "tensor larger than its storage");
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {3}, {2})), "tensor larger than its storage");
  ExpectRefused(Check(Pickle().Tensor("0", 4, 1, {4}, {1})), "tensor larger than its storage");
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {2, 2}, {1, 3})), "tensor larger than its storage");
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {4}, {1, 1})), "bad tensor");
  // Within the storage but more elements than it holds: the loader's
  // conversions would allocate all 2^34 of them.
  ExpectRefused(Check(Pickle().Tensor("0", 4, 0, {1 << 17, 1 << 17}, {0, 0})), "tensor larger than its storage");
}

TEST(CheckPickle, RefusesTensorDataItMayNotRead) {
  ExpectRefused(Check(Pickle().Storage("1", 1)), "missing tensor data '1'");
  // libtorch looks the key up as a C string: "0" and then 4 bytes, not "0\0x".
  ExpectRefused(Check(Pickle().Storage(std::string("0\0x", 3), 1)), "bad storage");
  const std::vector<uint8_t> bytes = Pickle().Storage("0", 1).Stop();
  ExpectRefused(CheckPickle(bytes.data(), bytes.size(), nullptr), "names tensor data where none may be");
  // libtorch reads a record anew each time it is named.
  EXPECT_TRUE(Check(Pickle().Storage("0", 4).Storage("0", 4), 16, 32).ok());
  ExpectRefused(Check(Pickle().Storage("0", 4).Storage("0", 4), 16, 31), "more tensor data than the archive holds");
}

TEST(CheckPickle, CallsOnlyWhatTorchJitSaveWrites) {
  EXPECT_TRUE(Check(Pickle().Global("collections", "OrderedDict").Op(')').Op('R')).ok());
  EXPECT_TRUE(Check(Pickle().Global("__torch__.lcodec.export", "ImageModel").Op(')').Op(0x81).Op('}').Op('b')).ok());
  // libtorch pushes an integer for a quantization scheme and REDUCE calls
  // whatever global has that index, unchecked.
  ExpectRefused(Check(Pickle().Global("torch", "per_channel_affine").Op(')').Op('R')), "unsupported global");
  ExpectRefused(Check(Pickle().Global("torch._utils", "_rebuild_sparse_tensor")), "unsupported global");
  ExpectRefused(Check(Pickle().Global("torch.jit._pickle", "restore_type_tag")), "unsupported global");
  ExpectRefused(Check(Pickle().Global("torch", "FloatStorage").Op(')').Op('R')), "not a class or function");
}

TEST(CheckPickle, RefusesMemoIndexesOutOfOrder) {
  // NONE BINPUT 0 BINGET 0 TUPLE2: what torch.jit.save writes.
  EXPECT_TRUE(Check(Pickle().Op('N').Op('q').Le(0, 1).Op('h').Le(0, 1).Op(0x86)).ok());
  // LONG_BINPUT 2^31 - 1: libtorch would grow its memo to 32 GiB.
  ExpectRefused(Check(Pickle().Op('N').Op('r').Le(0x7fffffff, 4)), "memo index out of order");
  ExpectRefused(Check(Pickle().Op('N').Op('q').Le(0, 1).Op('h').Le(1, 1)), "missing memo entry");
}

TEST(CheckPickle, RefusesStringsLongerThanThePickle) {
  ExpectRefused(Check(Pickle().Op('X').Le(0xfffffff0, 4).Op('a')), "string longer than the pickle");
}

TEST(CheckPickle, RefusesDeepNesting) {
  const auto tuples = [](int depth) {
    Pickle p;
    p.Op('N');
    for (int i = 0; i < depth; ++i) p.Op(0x85);  // TUPLE1
    return p;
  };
  EXPECT_TRUE(Check(tuples(50)).ok());
  ExpectRefused(Check(tuples(100)), "nests values too deeply");
  // Lists inside lists: EMPTY_LIST MARK ... EMPTY_LIST, then APPENDS each into the one below.
  Pickle lists;
  for (int i = 0; i < 100; ++i) lists.Op(']').Op('(');
  lists.Op(']');
  for (int i = 0; i < 100; ++i) lists.Op('e');
  ExpectRefused(Check(lists), "nests values too deeply");
  // The same, each list filled after it was put inside the one before.
  Pickle late;
  late.Op(']').Op('q').Le(0, 1);
  for (int i = 1; i <= 100; ++i) late.Op(']').Op('q').Le(i, 1).Op('h').Le(i - 1, 1).Op('(').Op('h').Le(i, 1).Op('e');
  ExpectRefused(Check(late), "nests values too deeply");
  // A list inside itself: EMPTY_LIST BINPUT 0 MARK BINGET 0 APPENDS.
  ExpectRefused(Check(Pickle().Op(']').Op('q').Le(0, 1).Op('(').Op('h').Le(0, 1).Op('e')), "contains itself");
}

TEST(CheckPickle, RefusesTruncatedAndForeignPickles) {
  const std::vector<uint8_t> no_stop = {0x80, 2, 'N'};
  ExpectRefused(CheckPickle(no_stop.data(), no_stop.size(), nullptr), "ends without STOP");
  ExpectRefused(Check(Pickle().Op('S')), "unknown opcode");
  const std::vector<uint8_t> protocol_4 = {0x80, 4, 'N', '.'};
  ExpectRefused(CheckPickle(protocol_4.data(), protocol_4.size(), nullptr), "not a protocol 2 pickle");
  ExpectRefused(Check(Pickle().Op('e')), "without a mark");
  ExpectRefused(Check(Pickle().Op('R')), "pops more than it pushed");
  ExpectRefused(Check(Pickle().Op('N').Op('N').Op('(').Op(0x86).Op('t')), "pops more than it pushed");
  EXPECT_TRUE(Check(Pickle().Op('}').Op('(').Int(1).Int(2).Op('u')).ok());  // EMPTY_DICT MARK 1 2 SETITEMS
  ExpectRefused(Check(Pickle().Op('}').Op('(').Int(1).Op('u')), "a key without a value");
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

const std::string kModels = LCODEC_TEST_MODELS;

TEST(CheckModelArchive, AcceptsExportedModels) {
  for (const std::string& path : {kModels + "/tiny.lcm", kModels + "/tiny-context.lcm", kModels + "/audio-tiny.lcm",
                                  std::string(LCODEC_ZOO) + "/image-msh.lcm", std::string(LCODEC_ZOO) + "/audio-msh.lcm"}) {
    const std::vector<uint8_t> bytes = ReadFile(path);
    ASSERT_FALSE(bytes.empty()) << path;
    const Status status = CheckModelArchive(bytes.data(), bytes.size());
    EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  }
}

// The tiny model damaged by `damage`, with its CRCs made right again, as ImageModel::Load sees it.
Status LoadDamaged(const std::function<void(std::vector<uint8_t>*, const ZipArchive&)>& damage) {
  std::vector<uint8_t> bytes = ReadFile(kModels + "/tiny.lcm");
  ZipArchive zip;
  EXPECT_TRUE(ZipArchive::Open(bytes.data(), bytes.size(), 1 << 30, &zip).ok());
  damage(&bytes, zip);
  testing::ResealZip(&bytes);
  const std::string path = ::testing::TempDir() + "/damaged.lcm";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  ImageModel model;
  const Status status = ImageModel::Load(path, &model);
  std::remove(path.c_str());
  return status;
}

TEST(CheckModelArchive, LoadRefusesDamagedModelsBeforeLibtorchReadsThem) {
  ImageModel model;
  ASSERT_TRUE(ImageModel::Load(kModels + "/tiny.lcm", &model).ok());

  // The libFuzzer finding of 2026-12-07: one LONG_BINPUT's index raised to
  // 2^31 - 1 made libtorch allocate 32 GiB.
  ExpectRefused(LoadDamaged([](std::vector<uint8_t>* bytes, const ZipArchive& zip) {
                  const ZipArchive::Member* pickle = zip.Find("tiny.lcm/data.pkl");
                  ASSERT_NE(pickle, nullptr);
                  const uint8_t put_256[] = {'r', 0, 1, 0, 0};  // LONG_BINPUT 256
                  const auto begin = bytes->begin() + pickle->data_offset;
                  const auto at = std::search(begin, begin + pickle->size, std::begin(put_256), std::end(put_256));
                  ASSERT_NE(at, begin + pickle->size);
                  const uint8_t index[] = {0xff, 0xff, 0xff, 0x7f};  // 2^31 - 1, little-endian
                  std::copy(std::begin(index), std::end(index), at + 1);
                }),
                "memo index out of order");

  // A tensor record cut short: libtorch would read past its end.
  ExpectRefused(LoadDamaged([](std::vector<uint8_t>* bytes, const ZipArchive& zip) {
                  const ZipArchive::Member* record = zip.Find("tiny.lcm/data/0");
                  ASSERT_NE(record, nullptr);
                  ASSERT_GE(record->size, 4u);
                  const uint32_t shorter = static_cast<uint32_t>(record->size - 4);
                  ASSERT_TRUE(testing::SetZipMemberSizes(bytes, record->name, shorter, shorter));
                }),
                "storage larger than its data");

  // Code that defines an enum: libtorch's unpickler mishandles damaged enum values.
  ExpectRefused(LoadDamaged([](std::vector<uint8_t>* bytes, const ZipArchive& zip) {
                  const ZipArchive::Member* code = zip.Find("tiny.lcm/code/__torch__/torch/nn/functional.py");
                  ASSERT_TRUE(code && !code->deflated && code->size >= 6);
                  std::memcpy(bytes->data() + code->data_offset, "(Enum)", 6);
                }),
                "defines an enum class");

  // A deflated member claiming 2 GiB: libtorch allocates what it claims before inflating.
  ExpectRefused(LoadDamaged([](std::vector<uint8_t>* bytes, const ZipArchive& zip) {
                  for (const ZipArchive::Member& member : zip.members())
                    if (member.deflated) {
                      ASSERT_TRUE(testing::SetZipMemberSizes(
                          bytes, member.name, static_cast<uint32_t>(member.compressed_size), 0x7ffffff0));
                      return;
                    }
                  FAIL() << "no deflated member";
                }),
                "inflate too far");
}

}  // namespace
}  // namespace lcodec::runtime
