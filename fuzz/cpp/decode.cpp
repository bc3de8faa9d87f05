// libFuzzer target for the runtime's message decoder (runtime-cpp
// include/ivyc/serialize.hpp): the first byte picks a message type, the
// rest is decoded as that type. Decoding must never crash, read out of
// bounds (built with AddressSanitizer) or throw; whatever decodes must
// re-encode to exactly the input bytes (the encoding is canonical).
#include <ivyc/serialize.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

enum class color : uint32_t { red, green, blue };
template <>
struct ivyc::enum_info<color> {
    static constexpr uint32_t count = 3;
};

template <class T>
static void roundtrip(const uint8_t* data, size_t size) {
    auto v = ivyc::decode<T>(data, size);
    if (!v) return;
    std::vector<uint8_t> again = ivyc::encode(*v);
    if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const uint8_t* p = data + 1;
    size_t n = size - 1;
    switch (data[0] % 10) {
        case 0: roundtrip<bool>(p, n); break;
        case 1: roundtrip<uint32_t>(p, n); break;
        case 2: roundtrip<int64_t>(p, n); break;
        case 3: roundtrip<uint8_t>(p, n); break;
        case 4: roundtrip<std::string>(p, n); break;
        case 5: roundtrip<std::vector<uint8_t>>(p, n); break;
        case 6: roundtrip<std::vector<std::vector<uint32_t>>>(p, n); break;
        case 7: roundtrip<std::pair<std::string, std::vector<int64_t>>>(p, n); break;
        case 8: roundtrip<std::tuple<bool, color, std::vector<std::string>>>(p, n); break;
        default: roundtrip<std::vector<std::pair<color, int>>>(p, n); break;
    }
    return 0;
}
