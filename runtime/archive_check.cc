#include "runtime/archive_check.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

#include "runtime/zip_archive.h"

namespace lcodec::runtime {
namespace {

// Far beyond what lcodec's models need (data.pkl is 16 kB for an 8 MB
// model, the code a few hundred kB): they bound what a damaged file can
// make libtorch allocate while reading it.
constexpr uint64_t kMaxInflatedBytes = 64 << 20;
constexpr size_t kMaxPickleBytes = 4 << 20;
constexpr size_t kMaxGlobalNameBytes = 256;
// libtorch frees nested values recursively: deep nesting overflows the stack.
constexpr int kMaxNesting = 64;

// The pickle opcodes libtorch's unpickler knows (protocol 2, as torch.jit.save writes it).
enum Opcode : uint8_t {
  kProto = 0x80, kStop = '.', kMark = '(', kEmptyTuple = ')', kEmptyList = ']', kEmptyDict = '}',
  kBinPut = 'q', kLongBinPut = 'r', kBinGet = 'h', kLongBinGet = 'j', kNewTrue = 0x88, kNewFalse = 0x89,
  kNone = 'N', kBinInt1 = 'K', kBinInt2 = 'M', kBinInt = 'J', kLong1 = 0x8a, kBinUnicode = 'X',
  kBinFloat = 'G', kTuple = 't', kTuple1 = 0x85, kTuple2 = 0x86, kTuple3 = 0x87, kAppends = 'e',
  kSetItems = 'u', kGlobal = 'c', kNewObj = 0x81, kBuild = 'b', kReduce = 'R', kBinPersId = 'Q',
};

// What the check needs to know of a value on the unpickler's stack.
struct Value {
  enum class Kind : uint8_t { kOther, kInt, kString, kGlobal, kTuple, kContainer, kStorage };
  explicit Value(Kind k = Kind::kOther) : kind(k) {}

  Kind kind;
  int64_t number = 0;  // kInt: the value; kStorage: bytes
  int element_size = 0;                            // kStorage
  std::shared_ptr<const std::string> text;         // kString; kGlobal: "module name"
  std::shared_ptr<const std::vector<Value>> items;  // kTuple
  int tuple_depth = 0;  // kTuple: tuples inside tuples (how deep `items` nest)
  // Tuples, lists, dicts and objects: a node of the containment graph.
  int node = -1;

  bool IsString(const char* s) const { return kind == Kind::kString && *text == s; }
};

// Element sizes of the storage classes libtorch can rebuild ("torch FloatStorage").
int StorageElementSize(const std::string& global) {
  static const std::pair<const char*, int> kSizes[] = {
      {"torch FloatStorage", 4}, {"torch DoubleStorage", 8}, {"torch HalfStorage", 2},
      {"torch BFloat16Storage", 2}, {"torch LongStorage", 8}, {"torch IntStorage", 4},
      {"torch ShortStorage", 2}, {"torch CharStorage", 1}, {"torch ByteStorage", 1},
      {"torch BoolStorage", 1}, {"torch ComplexFloatStorage", 8}, {"torch ComplexDoubleStorage", 16},
  };
  for (const auto& [name, size] : kSizes)
    if (global == name) return size;
  return 0;
}

// What REDUCE and BUILD may call: the globals torch.jit.save writes
// (TorchScript classes are "__torch__..."). libtorch calls any other
// global's index too, such as the integers it pushes for quantization
// schemes, which can land on the tensor builder unchecked.
bool IsCallable(const std::string& global) {
  static const char* const kCallables[] = {
      "torch._utils _rebuild_tensor_v2", "collections OrderedDict", "torch.jit._pickle build_intlist",
      "torch.jit._pickle build_doublelist", "torch.jit._pickle build_boollist", "torch.jit._pickle build_tensorlist",
  };
  for (const char* callable : kCallables)
    if (global == callable) return true;
  const std::string kScript = "__torch__";  // module "__torch__" or "__torch__.<path>"
  return global.compare(0, kScript.size(), kScript) == 0 && global.size() > kScript.size() &&
         (global[kScript.size()] == ' ' || global[kScript.size()] == '.');
}

bool IsPythonNameChar(uint8_t c) { return c == '_' || c == '.' || std::isalnum(c); }

class PickleChecker {
 public:
  PickleChecker(const uint8_t* data, size_t size, TensorRecords* records)
      : p_(data), end_(data + size), records_(records) {}

  Status Run() {
    if (end_ - p_ > static_cast<ptrdiff_t>(kMaxPickleBytes)) return Bad("is too large");
    uint64_t protocol = 0;
    if (!Byte(kProto) || !Read(1, &protocol) || protocol != 2) return Bad("is not a protocol 2 pickle");
    while (p_ < end_) {
      const uint8_t opcode = *p_++;
      if (opcode == kStop) return CheckNesting();
      LCODEC_RETURN_IF_ERROR(Step(opcode));
    }
    return Bad("ends without STOP");
  }

 private:
  Status Step(uint8_t opcode) {
    uint64_t n = 0;
    switch (opcode) {
      case kMark:
        marks_.push_back(stack_.size());
        return Status::Ok();
      case kEmptyTuple:
        return Push(Tuple({}));
      case kEmptyList:
      case kEmptyDict: {
        Value container(Value::Kind::kContainer);
        container.node = NewNode();
        return Push(std::move(container));
      }
      case kBinPut:
      case kLongBinPut:
        if (!Read(opcode == kBinPut ? 1 : 4, &n) || stack_.empty()) return Bad("has a bad memo entry");
        // libtorch grows its memo to any index; torch.jit.save numbers entries in order.
        if (n > memo_.size()) return Bad("has a memo index out of order");
        if (n == memo_.size()) memo_.push_back(stack_.back());
        else memo_[n] = stack_.back();
        return Status::Ok();
      case kBinGet:
      case kLongBinGet:
        if (!Read(opcode == kBinGet ? 1 : 4, &n) || n >= memo_.size()) return Bad("reads a missing memo entry");
        return Push(memo_[n]);
      case kNewTrue:
      case kNewFalse:
      case kNone:
        return Push(Value{});
      case kBinInt1:
      case kBinInt2:
        if (!Read(opcode == kBinInt1 ? 1 : 2, &n)) return Truncated();
        return Push(Int(static_cast<int64_t>(n)));
      case kBinInt:
        if (!Read(4, &n)) return Truncated();
        return Push(Int(static_cast<int32_t>(n)));
      case kLong1:
        if (!Read(1, &n) || n != 8 || !Read(8, &n)) return Bad("has a bad integer");
        return Push(Int(static_cast<int64_t>(n)));
      case kBinFloat:
        return Skip(8) ? Push(Value{}) : Truncated();
      case kBinUnicode: {
        if (!Read(4, &n)) return Truncated();
        if (n > static_cast<uint64_t>(end_ - p_)) return Bad("has a string longer than the pickle");
        Value s(Value::Kind::kString);
        s.text = std::make_shared<const std::string>(reinterpret_cast<const char*>(p_), n);
        p_ += n;
        return Push(std::move(s));
      }
      case kTuple: {
        if (marks_.empty()) return Bad("builds a tuple without a mark");
        const size_t start = marks_.back();
        marks_.pop_back();
        if (start > stack_.size()) return Underflow();
        std::vector<Value> items(stack_.begin() + start, stack_.end());
        stack_.resize(start);
        return Push(Tuple(std::move(items)));
      }
      case kTuple1:
      case kTuple2:
      case kTuple3: {
        const size_t count = opcode - kTuple1 + 1;
        if (stack_.size() < count) return Underflow();
        std::vector<Value> items(stack_.end() - count, stack_.end());
        stack_.resize(stack_.size() - count);
        return Push(Tuple(std::move(items)));
      }
      case kAppends:
      case kSetItems: {
        if (marks_.empty() || marks_.back() == 0) return Bad("fills a container without a mark");
        const size_t start = marks_.back();
        marks_.pop_back();
        if (start > stack_.size()) return Underflow();
        Value& container = stack_[start - 1];
        if (container.kind != Value::Kind::kContainer) return Bad("fills something that is not a container");
        // libtorch reads SETITEMS' keys and values in pairs without checking the count.
        if (opcode == kSetItems && (stack_.size() - start) % 2) return Bad("sets a key without a value");
        for (size_t i = start; i < stack_.size(); ++i) Contain(container.node, stack_[i]);
        stack_.resize(start);
        return Status::Ok();
      }
      case kGlobal: {
        std::string module, name;
        if (!Line(&module) || !Line(&name)) return Bad("has a bad global name");
        Value global(Value::Kind::kGlobal);
        global.text = std::make_shared<const std::string>(module + " " + name);
        if (!StorageElementSize(*global.text) && !IsCallable(*global.text))
          return Bad("names an unsupported global '" + *global.text + "'");
        return Push(std::move(global));
      }
      case kNewObj:
        if (stack_.empty()) return Underflow();
        stack_.pop_back();
        return Status::Ok();
      case kBuild:
      case kReduce:
        return Call();
      case kBinPersId:
        return PersistentStorage();
      default:
        return Bad("has an unknown opcode " + std::to_string(opcode));
    }
  }

  // REDUCE and BUILD: stack is <callable> <argument>.
  Status Call() {
    if (stack_.size() < 2) return Underflow();
    Value argument = std::move(stack_.back());
    stack_.pop_back();
    const Value callable = std::move(stack_.back());
    stack_.pop_back();
    if (callable.kind != Value::Kind::kGlobal || !IsCallable(*callable.text))
      return Bad("calls something that is not a class or function");
    if (*callable.text == "torch._utils _rebuild_tensor_v2") LCODEC_RETURN_IF_ERROR(CheckTensor(argument));
    Value result;
    result.node = NewNode();
    Contain(result.node, argument);
    return Push(std::move(result));
  }

  // _rebuild_tensor_v2(storage, offset, sizes, strides, requires_grad, ...):
  // libtorch sets the sizes and strides without checking them against the storage.
  Status CheckTensor(const Value& argument) {
    const auto ints = [](const Value& v) {
      if (v.kind != Value::Kind::kTuple) return false;
      for (const Value& item : *v.items)
        if (item.kind != Value::Kind::kInt || item.number < 0) return false;
      return true;
    };
    if (argument.kind != Value::Kind::kTuple || argument.items->size() < 5) return Bad("has a bad tensor");
    const std::vector<Value>& a = *argument.items;
    const Value& storage = a[0];
    if (storage.kind != Value::Kind::kStorage || a[1].kind != Value::Kind::kInt || a[1].number < 0 ||
        !ints(a[2]) || !ints(a[3]) || a[2].items->size() != a[3].items->size())
      return Bad("has a bad tensor");
    const std::vector<Value>& sizes = *a[2].items;
    const std::vector<Value>& strides = *a[3].items;
    const uint64_t elements = static_cast<uint64_t>(storage.number) / storage.element_size;
    // More elements than stored (stride 0) would be allocated in full by
    // the loader's conversions.
    for (const Value& size : sizes)
      if (size.number == 0) return Status::Ok();  // no elements: reads nothing
    uint64_t count = 1;
    for (const Value& size : sizes) {
      if (static_cast<uint64_t>(size.number) > elements / count) return Bad("has a tensor larger than its storage");
      count *= size.number;
    }
    // The last element read is offset + sum (size - 1) * stride; each term is
    // checked on its own so that the sum cannot overflow.
    uint64_t last = static_cast<uint64_t>(a[1].number);
    for (size_t i = 0; i < sizes.size() && last < elements; ++i) {
      const uint64_t size = sizes[i].number - 1, stride = strides[i].number;
      if (stride != 0 && size > (elements - last) / stride) return Bad("has a tensor larger than its storage");
      last += size * stride;
    }
    if (last >= elements) return Bad("has a tensor larger than its storage");
    return Status::Ok();
  }

  // BINPERSID ("storage", torch.<Type>Storage, key, device, elements): a
  // storage read whole from the record data/<key>, sized by `elements`.
  Status PersistentStorage() {
    if (stack_.empty()) return Underflow();
    const Value id = std::move(stack_.back());
    stack_.pop_back();
    if (!records_) return Bad("names tensor data where none may be");
    if (id.kind != Value::Kind::kTuple || id.items->size() != 5) return Bad("has a bad storage");
    const std::vector<Value>& a = *id.items;
    const int element_size = a[1].kind == Value::Kind::kGlobal ? StorageElementSize(*a[1].text) : 0;
    if (!a[0].IsString("storage") || !element_size || a[2].kind != Value::Kind::kString ||
        a[2].text->find('\0') != std::string::npos || !a[3].IsString("cpu") || a[4].kind != Value::Kind::kInt || a[4].number < 0)
      return Bad("has a bad storage");
    const std::optional<uint64_t> record = records_->size(*a[2].text);
    if (!record) return Bad("names missing tensor data '" + *a[2].text + "'");
    // libtorch reads each storage's record anew, however often it is named.
    if (*record > records_->budget) return Bad("reads more tensor data than the archive holds");
    records_->budget -= *record;
    if (static_cast<uint64_t>(a[4].number) > *record / element_size)
      return Bad("has a storage larger than its data '" + *a[2].text + "'");
    Value storage(Value::Kind::kStorage);
    storage.number = a[4].number * element_size;
    storage.element_size = element_size;
    return Push(std::move(storage));
  }

  static Value Int(int64_t number) {
    Value v(Value::Kind::kInt);
    v.number = number;
    return v;
  }

  Value Tuple(std::vector<Value> items) {
    Value v(Value::Kind::kTuple);
    v.node = NewNode();
    for (const Value& item : items) {
      Contain(v.node, item);
      if (item.kind == Value::Kind::kTuple) v.tuple_depth = std::max(v.tuple_depth, item.tuple_depth + 1);
    }
    v.items = std::make_shared<const std::vector<Value>>(std::move(items));
    return v;
  }

  Status Push(Value v) {
    // This check's own tuples nest too: refuse them before they get deep.
    if (v.tuple_depth > kMaxNesting) return Bad("nests values too deeply");
    stack_.push_back(std::move(v));
    return Status::Ok();
  }

  int NewNode() {
    contains_.emplace_back();
    return static_cast<int>(contains_.size() - 1);
  }
  void Contain(int node, const Value& item) {
    if (item.node >= 0) contains_[node].push_back(item.node);
  }

  // Lists and dicts change after they are put inside others, so how deep
  // values nest is known only at the end: the longest path of the
  // containment graph, found without recursion. A cycle is refused too.
  Status CheckNesting() const {
    enum : uint8_t { kNew, kOpen, kDone };
    std::vector<uint8_t> state(contains_.size(), kNew);
    std::vector<int> depth(contains_.size(), 1);
    std::vector<std::pair<int, size_t>> path;  // node, next child to visit
    for (size_t root = 0; root < contains_.size(); ++root) {
      if (state[root] != kNew) continue;
      path.emplace_back(static_cast<int>(root), 0);
      state[root] = kOpen;
      while (!path.empty()) {
        auto& [node, next] = path.back();
        if (next < contains_[node].size()) {
          const int child = contains_[node][next++];
          if (state[child] == kOpen) return Bad("contains itself");
          if (state[child] == kNew) {
            state[child] = kOpen;
            path.emplace_back(child, 0);
          }
          continue;
        }
        for (int child : contains_[node]) depth[node] = std::max(depth[node], depth[child] + 1);
        if (depth[node] > kMaxNesting) return Bad("nests values too deeply");
        state[node] = kDone;
        path.pop_back();
      }
    }
    return Status::Ok();
  }

  bool Byte(uint8_t expected) {
    if (p_ >= end_ || *p_ != expected) return false;
    ++p_;
    return true;
  }
  // A little-endian unsigned integer of `bytes` bytes.
  bool Read(int bytes, uint64_t* value) {
    if (end_ - p_ < bytes) return false;
    *value = 0;
    for (int i = bytes - 1; i >= 0; --i) *value = *value << 8 | p_[i];
    p_ += bytes;
    return true;
  }
  bool Skip(size_t bytes) {
    if (static_cast<size_t>(end_ - p_) < bytes) return false;
    p_ += bytes;
    return true;
  }
  // A newline-terminated Python name, as GLOBAL carries.
  bool Line(std::string* out) {
    while (p_ < end_ && *p_ != '\n') {
      if (!IsPythonNameChar(*p_) || out->size() >= kMaxGlobalNameBytes) return false;
      out->push_back(static_cast<char>(*p_++));
    }
    return Byte('\n');
  }

  static Status Bad(const std::string& why) { return Status::Corrupt("pickle " + why); }
  static Status Truncated() { return Bad("is truncated"); }
  static Status Underflow() { return Bad("pops more than it pushed"); }

  const uint8_t* p_;
  const uint8_t* const end_;
  TensorRecords* const records_;
  std::vector<Value> stack_, memo_;
  std::vector<size_t> marks_;
  std::vector<std::vector<int>> contains_;  // node -> the nodes it holds
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Lowered(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Status CheckArchive(const uint8_t* data, size_t size) {
  // libtorch picks its reader by the first bytes; a ZIP starts with a member.
  if (size < 4 || std::memcmp(data, "PK\3\4", 4) != 0) return Status::Corrupt("not a ZIP archive");
  ZipArchive zip;
  LCODEC_RETURN_IF_ERROR(ZipArchive::Open(data, size, kMaxInflatedBytes, &zip));
  // libtorch looks records up under the folder of the first member.
  const std::string& first = zip.members().front().name;
  const size_t slash = first.find('/');
  if (slash == std::string::npos) return Status::Corrupt("archive members are not in a folder");
  const std::string root = Lowered(first.substr(0, slash + 1));
  if (zip.Find(root + "model.json")) return Status::Unsupported("legacy TorchScript archive");

  TensorRecords records;
  records.budget = size;
  std::string tensor_folder;
  records.size = [&](const std::string& key) -> std::optional<uint64_t> {
    const ZipArchive::Member* member = zip.Find(root + tensor_folder + key);
    if (!member) return std::nullopt;
    return member->size;
  };
  std::vector<uint8_t> bytes;
  for (const ZipArchive::Member& member : zip.members()) {
    const std::string name = Lowered(member.name);
    const bool pickle = EndsWith(name, ".pkl") || EndsWith(name, ".debug_pkl");
    const bool code = EndsWith(name, ".py");
    if (!pickle && !code) continue;
    if (member.size > kMaxPickleBytes) return Status::Corrupt("'" + member.name + "' is too large");
    LCODEC_RETURN_IF_ERROR(zip.Read(member, &bytes));
    if (code) {
      // A pickled enum value that matches none of its class's values makes
      // libtorch's unpickler pop without pushing; lcodec models have no enums.
      static const std::string kEnumClass = "(Enum)";
      if (std::search(bytes.begin(), bytes.end(), kEnumClass.begin(), kEnumClass.end()) != bytes.end())
        return Status::Unsupported("'" + member.name + "' defines an enum class");
      continue;
    }
    // data.pkl names records in data/, constants.pkl in constants/; other
    // pickles (debug information) name none.
    TensorRecords* tensors = nullptr;
    if (name == root + "data.pkl" || name == root + "constants.pkl") {
      tensor_folder = name.substr(root.size(), name.size() - root.size() - 4) + "/";
      tensors = &records;
    }
    const Status status = CheckPickle(bytes.data(), bytes.size(), tensors);
    if (!status.ok()) return Status::Corrupt("'" + member.name + "': " + status.message());
  }
  return Status::Ok();
}

}  // namespace

Status CheckPickle(const uint8_t* data, size_t size, TensorRecords* records) {
  return PickleChecker(data, size, records).Run();
}

Status CheckModelArchive(const uint8_t* data, size_t size) {
  try {
    return CheckArchive(data, size);
  } catch (const std::bad_alloc&) {
    return Status::ResourceLimit("out of memory while checking the model archive");
  } catch (const std::exception& e) {
    return Status::Corrupt(std::string("cannot check the model archive: ") + e.what());
  }
}

}  // namespace lcodec::runtime
