// src/repl.cpp -- implementation of the REPL line parser, argument
// conversion helpers, the ivyc::repl dispatch loop and the command line of
// generated drivers (options, --help text).
#include "ivyc/repl.hpp"

#include <cstdio>
#include <exception>
#include <iostream>
#include <istream>
#include <limits>
#include <ostream>

namespace ivyc {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_name_start(char c) { return is_alpha(c) || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c) || c == '.' || c == ':'; }

// Cursor over the line; every accessor is bounds-checked.
struct cursor {
    std::string_view s;
    size_t i = 0;

    bool at_end() const { return i >= s.size(); }
    char peek() const { return at_end() ? '\0' : s[i]; }
    void skip_space() {
        while (!at_end() && is_space(s[i])) ++i;
    }
    size_t column() const { return i + 1; }
};

repl_parse_result fail(const std::string& msg) {
    repl_parse_result r;
    r.kind = repl_parse_result::status::error;
    r.error = msg;
    return r;
}

std::string describe_char_at(const cursor& c) {
    if (c.at_end()) return "end of line";
    return "'" + escape_for_display(c.s.substr(c.i, 1)) + "' at column " + std::to_string(c.column());
}

// A name; a ':' followed by '=' ends it (`x:=1` assigns `x`).
std::string_view take_name(cursor& c) {
    const size_t start = c.i;
    if (!is_name_start(c.peek())) return {};
    while (!c.at_end() && is_name_char(c.s[c.i])) {
        if (c.s[c.i] == ':' && c.i + 1 < c.s.size() && c.s[c.i + 1] == '=') break;
        ++c.i;
    }
    return c.s.substr(start, c.i - start);
}

// A struct value `{...}`: everything up to the matching '}' (names,
// integers, ':', ',', whitespace and nested braces); empty on failure.
std::string_view take_braces(cursor& c) {
    const size_t start = c.i;
    size_t depth = 0;
    while (!c.at_end()) {
        const char ch = c.s[c.i];
        if (ch == '{') {
            ++depth;
        } else if (ch == '}') {
            if (depth == 0) break;
            --depth;
            if (depth == 0) {
                ++c.i;
                return c.s.substr(start, c.i - start);
            }
        } else if (!(is_name_char(ch) || is_space(ch) || ch == ',' || ch == '-' || ch == '+')) {
            break;
        }
        ++c.i;
    }
    c.i = start;
    return {};
}

// An integer token, a name or a struct value; empty on failure.
std::string_view take_arg(cursor& c) {
    const char p = c.peek();
    if (p == '{') return take_braces(c);
    if (is_name_start(p)) {
        // A name, or a variant value `TAG{...}` (one token).
        const size_t start = c.i;
        take_name(c);
        if (c.peek() != '{') return c.s.substr(start, c.i - start);
        if (take_braces(c).empty()) return {};  // c.i is at the '{'
        return c.s.substr(start, c.i - start);
    }
    const size_t start = c.i;
    if (p == '-' || p == '+') ++c.i;
    if (!is_digit(c.peek())) {
        c.i = start;
        return {};
    }
    while (!c.at_end() && is_digit(c.s[c.i])) ++c.i;
    return c.s.substr(start, c.i - start);
}

[[noreturn]] void bad_arg(size_t i, const std::string& why) {
    throw repl_arg_error("argument " + std::to_string(i + 1) + ": " + why);
}

const std::string& arg_at(const std::vector<std::string>& args, size_t i) {
    if (i >= args.size()) bad_arg(i, "missing");
    return args[i];
}

}  // namespace

std::string escape_for_display(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        const auto u = static_cast<unsigned char>(ch);
        if (u >= 0x20 && u < 0x7f && u != '\\') {
            out.push_back(ch);
        } else {
            out += "\\x";
            out.push_back(hex[u >> 4]);
            out.push_back(hex[u & 0xf]);
        }
    }
    return out;
}

std::string quote_repl(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"' || ch == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else {
            out += escape_for_display(std::string_view(&ch, 1));
        }
    }
    out.push_back('"');
    return out;
}

std::string format_tuple(const std::vector<std::string>& items) {
    if (items.size() == 1) return items[0];
    std::string out = "(";
    for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += ", ";
        out += items[k];
    }
    out.push_back(')');
    return out;
}

std::string format_set(const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t k = 0; k < items.size(); ++k) {
        if (k) out += ", ";
        out += items[k];
    }
    out.push_back('}');
    return out;
}

repl_parse_result parse_repl_line(std::string_view line) {
    cursor c{line};
    c.skip_space();
    if (c.at_end() || c.peek() == '#') return repl_parse_result{};  // blank

    repl_parse_result r;
    r.kind = repl_parse_result::status::call;
    const std::string_view name = take_name(c);
    if (name.empty()) return fail("expected an action name, found " + describe_char_at(c));
    r.call.action.assign(name);
    c.skip_space();

    if (c.peek() == '(') {
        ++c.i;
        c.skip_space();
        if (c.peek() == ')') {
            ++c.i;
        } else {
            for (;;) {
                c.skip_space();
                const std::string_view arg = take_arg(c);
                if (arg.empty() && c.at_end()) return fail("missing ')'");
                if (arg.empty() && c.peek() == '{') {
                    return fail("unbalanced or malformed struct value at column " + std::to_string(c.column()));
                }
                if (arg.empty()) return fail("expected an argument, found " + describe_char_at(c));
                r.call.args.emplace_back(arg);
                c.skip_space();
                if (c.peek() == ',') {
                    ++c.i;
                    continue;
                }
                if (c.peek() == ')') {
                    ++c.i;
                    break;
                }
                if (c.at_end()) return fail("missing ')'");
                return fail("expected ',' or ')', found " + describe_char_at(c));
            }
        }
        c.skip_space();
    }
    if (c.peek() == ':' && c.i + 1 < c.s.size() && c.s[c.i + 1] == '=') {
        c.i += 2;
        c.skip_space();
        const std::string_view value = take_arg(c);
        if (value.empty()) return fail("expected a value after ':=', found " + describe_char_at(c));
        r.call.assign = true;
        r.call.value.assign(value);
        c.skip_space();
    }
    if (!c.at_end() && c.peek() != '#') {
        return fail("unexpected " + describe_char_at(c));
    }
    return r;
}

std::vector<std::string> struct_fields(const std::vector<std::string>& args, size_t i,
                                       const std::vector<std::string>& names) {
    const std::string& text = arg_at(args, i);
    auto expected = [&names]() {
        std::string out = "{";
        for (size_t k = 0; k < names.size(); ++k) {
            if (k) out += ",";
            out += names[k] + ":...";
        }
        return out + "}";
    };
    auto bad = [&](const std::string& why) {
        bad_arg(i, why + " (expected a struct " + expected() + ")");
    };
    cursor c{text};
    c.skip_space();
    if (c.peek() != '{') bad("not a struct value");
    ++c.i;
    std::vector<std::string> out;
    for (size_t k = 0; k < names.size(); ++k) {
        c.skip_space();
        if (k > 0) {
            if (c.peek() != ',') bad("expected ',' at column " + std::to_string(c.column()));
            ++c.i;
            c.skip_space();
        }
        // Field names are single segments: no ':' inside them.
        const size_t start = c.i;
        while (!c.at_end() && is_name_char(c.s[c.i]) && c.s[c.i] != ':') ++c.i;
        const std::string_view field = c.s.substr(start, c.i - start);
        if (field != names[k]) bad("expected field `" + names[k] + "` at column " + std::to_string(start + 1));
        c.skip_space();
        if (c.peek() != ':') bad("expected ':' after `" + names[k] + "`");
        ++c.i;
        c.skip_space();
        const std::string_view value = take_arg(c);
        if (value.empty()) bad("missing value of field `" + names[k] + "`");
        out.emplace_back(value);
    }
    c.skip_space();
    if (c.peek() != '}') bad("expected '}' at column " + std::to_string(c.column()));
    ++c.i;
    c.skip_space();
    if (!c.at_end()) bad("unexpected text after '}'");
    return out;
}

variant_arg variant_value(const std::vector<std::string>& args, size_t i,
                          const std::vector<std::string>& names) {
    const std::string& text = arg_at(args, i);
    auto bad = [&](const std::string& why) {
        std::string expected = "none";
        for (const std::string& n : names) expected += ", " + n + "{...}";
        bad_arg(i, why + " (expected a variant value: " + expected + ")");
    };
    cursor c{text};
    c.skip_space();
    const size_t start = c.i;
    while (!c.at_end() && is_name_char(c.s[c.i])) ++c.i;
    const std::string_view tag = c.s.substr(start, c.i - start);
    c.skip_space();
    variant_arg out;
    if (tag == "none" && c.at_end()) return out;
    if (tag.empty() || !is_name_start(tag[0])) bad("not a variant value");
    size_t k = 0;
    while (k < names.size() && names[k] != tag) ++k;
    if (k == names.size()) bad("unknown variant `" + std::string(tag) + "`");
    if (c.peek() != '{') bad("expected '{' after `" + std::string(tag) + "`");
    const std::string_view braces = take_braces(c);
    if (braces.empty()) bad("unbalanced or malformed value of `" + std::string(tag) + "`");
    c.skip_space();
    if (!c.at_end()) bad("unexpected text after '}'");
    out.tag = static_cast<uint32_t>(k + 1);
    out.braces.assign(braces);
    cursor inner{braces.substr(1, braces.size() - 2)};
    inner.skip_space();
    size_t end = inner.s.size();
    while (end > inner.i && is_space(inner.s[end - 1])) --end;
    out.inner.assign(inner.s.substr(inner.i, end - inner.i));
    return out;
}

void bad_variant(size_t i, const std::string& tag, const repl_arg_error& e) {
    std::string why = e.what();
    const std::string prefix = "argument ";
    if (why.compare(0, prefix.size(), prefix) == 0) {
        const size_t colon = why.find(": ");
        if (colon != std::string::npos) why = why.substr(colon + 2);
    }
    bad_arg(i, "variant `" + tag + "`: " + why);
}

void bad_field(size_t i, const std::string& field, const repl_arg_error& e) {
    std::string why = e.what();
    // Drop the converter's own "argument N: " (N counts the fields).
    const std::string prefix = "argument ";
    if (why.compare(0, prefix.size(), prefix) == 0) {
        const size_t colon = why.find(": ");
        if (colon != std::string::npos) why = why.substr(colon + 2);
    }
    bad_arg(i, "field `" + field + "`: " + why);
}

std::optional<int64_t> parse_int(std::string_view text) noexcept {
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    if (i == text.size()) return std::nullopt;
    // Accumulate the magnitude as uint64_t; the limit is 2^63 for negatives.
    const uint64_t limit = negative ? uint64_t{1} << 63
                                    : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t mag = 0;
    for (; i < text.size(); ++i) {
        if (!is_digit(text[i])) return std::nullopt;
        const auto d = static_cast<uint64_t>(text[i] - '0');
        if (mag > (limit - d) / 10) return std::nullopt;
        mag = mag * 10 + d;
    }
    if (negative) {
        return mag == (uint64_t{1} << 63) ? std::numeric_limits<int64_t>::min()
                                          : -static_cast<int64_t>(mag);
    }
    return static_cast<int64_t>(mag);
}

std::optional<bool> parse_bool(std::string_view text) noexcept {
    if (text == "true") return true;
    if (text == "false") return false;
    return std::nullopt;
}

int64_t arg_int(const std::vector<std::string>& args, size_t i) {
    const std::string& a = arg_at(args, i);
    if (auto v = parse_int(a)) return *v;
    const size_t digits = (!a.empty() && (a[0] == '-' || a[0] == '+')) ? 1 : 0;
    const bool numeric = a.size() > digits &&
                         a.find_first_not_of("0123456789", digits) == std::string::npos;
    if (numeric) bad_arg(i, "integer " + escape_for_display(a) + " is out of range");
    bad_arg(i, "expected an integer, got '" + escape_for_display(a) + "'");
}

int64_t arg_int(const std::vector<std::string>& args, size_t i, int64_t lo, int64_t hi) {
    const int64_t v = arg_int(args, i);
    if (v < lo || v > hi) {
        bad_arg(i, std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                       std::to_string(hi) + "]");
    }
    return v;
}

uint32_t arg_index(const std::vector<std::string>& args, size_t i, uint32_t count) {
    if (count == 0) bad_arg(i, "the sort is empty");
    return static_cast<uint32_t>(arg_int(args, i, 0, static_cast<int64_t>(count) - 1));
}

bool arg_bool(const std::vector<std::string>& args, size_t i) {
    const std::string& a = arg_at(args, i);
    if (auto v = parse_bool(a)) return *v;
    bad_arg(i, "expected true or false, got '" + escape_for_display(a) + "'");
}

uint32_t arg_enum(const std::vector<std::string>& args, size_t i,
                  const std::vector<std::string>& names) {
    const std::string& a = arg_at(args, i);
    for (size_t k = 0; k < names.size(); ++k) {
        if (names[k] == a) return static_cast<uint32_t>(k);
    }
    std::string expected;
    for (size_t k = 0; k < names.size(); ++k) expected += (k ? ", " : "") + names[k];
    bad_arg(i, "expected one of {" + expected + "}, got '" + escape_for_display(a) + "'");
}

std::string format_call(std::string_view name, const std::vector<std::string>& args) {
    std::string out(name);
    if (args.empty()) return out;
    out.push_back('(');
    for (size_t k = 0; k < args.size(); ++k) {
        if (k) out.push_back(',');
        out += args[k];
    }
    out.push_back(')');
    return out;
}

// ---------------------------------------------------------------------------

void repl::add_action(std::string name, size_t arity, action_fn fn) {
    actions_.insert_or_assign(std::move(name), action{arity, std::move(fn)});
}

bool repl::has_action(const std::string& name) const { return actions_.count(name) != 0; }

void repl::add_command(std::string name, command_fn fn) {
    commands_.insert_or_assign(std::move(name), std::move(fn));
}

void repl::add_setter(std::string name, size_t arity, setter_fn fn) {
    setters_.insert_or_assign(
        std::move(name), action{arity, [fn = std::move(fn)](const std::vector<std::string>& args) {
                                    fn(args);
                                    return std::string();
                                }});
}

bool repl::error(std::ostream& out, const std::string& msg) const {
    out << where_ << "error: " << msg << '\n' << std::flush;
    return false;
}

// `name(args) := value`: the setter `name` with the arguments then the value.
bool repl::execute_assignment(const repl_call& call, std::ostream& out) {
    auto it = setters_.find(call.action);
    if (it == setters_.end()) {
        return error(out, "cannot assign '" + call.action + "': not a state symbol or parameter");
    }
    const size_t arity = it->second.arity;
    if (call.args.size() != arity) {
        return error(out, "'" + call.action + "' takes " + std::to_string(arity) + " argument" +
                              (arity == 1 ? "" : "s") + ", got " + std::to_string(call.args.size()));
    }
    std::vector<std::string> args = call.args;
    args.push_back(call.value);
    try {
        it->second.fn(args);
        return true;
    } catch (const repl_arg_error& e) {
        // The value is the argument after the last one: name it as such.
        const std::string what = e.what();
        const std::string last = "argument " + std::to_string(arity + 1) + ": ";
        if (what.compare(0, last.size(), last) == 0) {
            return error(out, "bad value: " + what.substr(last.size()));
        }
        return error(out, std::string("bad argument: ") + what);
    } catch (const std::exception& e) {
        return error(out, e.what());
    }
}

// A line whose first non-blank character is '?': `?name`, then optional
// whitespace and an optional '#' comment.
bool repl::execute_command(std::string_view line, std::ostream& out) {
    auto error = [this, &out](const std::string& msg) { return this->error(out, msg); };
    cursor c{line};
    c.skip_space();
    ++c.i;  // the '?'
    const std::string_view name = take_name(c);
    if (name.empty()) return error("expected a command name after '?', got " + describe_char_at(c));
    c.skip_space();
    if (!c.at_end() && c.peek() != '#') return error("unexpected " + describe_char_at(c));
    auto it = commands_.find(name);
    if (it == commands_.end()) return error("unknown command '?" + std::string(name) + "'");
    try {
        it->second(out);
        out << std::flush;
        return true;
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

void repl::emit(const std::string& line) {
    std::ostream& os = out_ ? *out_ : std::cout;
    os << line << '\n' << std::flush;
}

bool repl::execute_line(std::string_view line, std::ostream& out) {
    std::ostream* const saved = out_;
    out_ = &out;
    struct restore {
        repl* self;
        std::ostream* saved;
        ~restore() { self->out_ = saved; }
    } guard{this, saved};

    auto error = [this, &out](const std::string& msg) { return this->error(out, msg); };

    const size_t first = line.find_first_not_of(" \t\r\v\f\n");
    if (first != std::string_view::npos && line[first] == '?') return execute_command(line, out);

    const repl_parse_result parsed = parse_repl_line(line);
    switch (parsed.kind) {
        case repl_parse_result::status::blank:
            return true;
        case repl_parse_result::status::error:
            return error(parsed.error);
        case repl_parse_result::status::call:
            break;
    }
    const repl_call& call = parsed.call;
    if (call.assign) return execute_assignment(call, out);
    auto it = actions_.find(call.action);
    if (it == actions_.end()) return error("unknown action '" + call.action + "'");
    if (call.args.size() != it->second.arity) {
        return error("action '" + call.action + "' expects " + std::to_string(it->second.arity) +
                     " argument" + (it->second.arity == 1 ? "" : "s") + ", got " +
                     std::to_string(call.args.size()));
    }
    try {
        const std::string result = it->second.fn(call.args);
        if (!result.empty()) out << "= " << result << '\n' << std::flush;
        return true;
    } catch (const repl_arg_error& e) {
        return error(std::string("bad argument: ") + e.what());
    } catch (const std::exception& e) {
        return error(e.what());
    }
}

int repl::run(std::istream& in, std::ostream& out) {
    int status = 0;
    std::string line;
    size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (echo_) out << "> " << line << '\n';
        if (!source_.empty()) where_ = source_ + ":" + std::to_string(number) + ": ";
        const bool ok = execute_line(line, out);
        where_.clear();
        if (!ok) {
            status = 1;
            if (stop_on_error_) break;
        }
    }
    return status;
}

// ---------------------------------------------------------------------------

std::string parse_repl_options(int argc, const char* const* argv,
                               const std::vector<std::string>& sorts, repl_options& out) {
    out = repl_options{};
    out.sizes.assign(sorts.size(), 3);
    bool have_script = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i] != nullptr ? argv[i] : "";
        if (arg == "--help" || arg == "-h") {
            out.help = true;
            continue;
        }
        if (arg == "--echo") {
            out.echo = true;
            continue;
        }
        if (arg == "--list") {
            out.list = true;
            continue;
        }
        if (arg == "--timers") {
            out.timers = true;
            continue;
        }
        if (arg == "--script") {
            if (have_script) return "--script given twice";
            if (i + 1 >= argc || argv[i + 1] == nullptr || argv[i + 1][0] == '\0') {
                return "--script needs a file";
            }
            out.script = argv[++i];
            have_script = true;
            continue;
        }
        if (arg == "--seed") {
            if (i + 1 >= argc || argv[i + 1] == nullptr) return "--seed needs a number";
            const std::string v = argv[++i];
            const auto n = parse_int(v);
            if (!n || *n < 0 || v[0] == '+') return "bad seed `" + escape_for_display(v) + "` (expected a non-negative integer)";
            out.seeded = true;
            out.seed = static_cast<uint64_t>(*n);
            continue;
        }
        if (arg == "--me" || arg == "--port-base") {
            if (i + 1 >= argc || argv[i + 1] == nullptr) return arg + " needs a number";
            const std::string v = argv[++i];
            const auto n = parse_int(v);
            const int64_t lo = arg == "--me" ? 0 : 1;
            if (!n || *n < lo || *n > 65535 || v[0] == '+') {
                return "bad " + arg + " `" + escape_for_display(v) + "` (expected " + std::to_string(lo) +
                       " to 65535)";
            }
            if (arg == "--me") {
                out.have_me = true;
                out.me = static_cast<uint32_t>(*n);
            } else {
                out.port_base = static_cast<uint16_t>(*n);
            }
            continue;
        }
        const size_t eq = arg.find('=');
        bool matched = false;
        if (eq != std::string::npos && arg.compare(0, 2, "--") != 0) {
            const std::string name = arg.substr(0, eq);
            for (size_t k = 0; k < sorts.size(); ++k) {
                if (sorts[k] != name) continue;
                const auto v = parse_int(std::string_view(arg).substr(eq + 1));
                if (!v || *v < 1 || *v > 1000000) {
                    return "bad size in `" + escape_for_display(arg) + "` (expected 1 to 1000000)";
                }
                out.sizes[k] = static_cast<uint32_t>(*v);
                matched = true;
            }
            if (!matched) return "unknown sort `" + escape_for_display(name) + "` in `" + escape_for_display(arg) + "`";
            continue;
        }
        return "unknown option `" + escape_for_display(arg) + "`";
    }
    return std::string();
}

std::string repl_usage(std::string_view prog, const std::vector<std::string>& sorts, bool network,
                       bool timers) {
    std::string out = "usage: " + std::string(prog) + " [--help] [--echo] [--list] [--script FILE] [--seed N]";
    if (network) out += " [--me N] [--port-base P]";
    if (timers) out += " [--timers]";
    for (const auto& s : sorts) out += " [" + s + "=N]";
    return out;
}

std::string repl_help(std::string_view prog, std::string_view module,
                      const std::vector<std::string>& sorts, bool network, bool timers) {
    std::string sizes;
    for (size_t k = 0; k < sorts.size(); ++k) sizes += (k ? ", " : "") + sorts[k];
    std::string out = repl_usage(prog, sorts, network, timers) + "\n\n";
    out += "Runs the exported actions of the Ivy module `" + std::string(module) +
           "` (extracted by ivyc),\none line at a time, read from standard input or from FILE.\n\n";
    out += "options:\n"
           "  --help         print this help and exit\n"
           "  --echo         print each input line as `> LINE` before its output\n"
           "  --list         print the parameters, state symbols and exported actions\n"
           "                 with the kinds of their arguments, and exit\n"
           "  --script FILE  read the lines from FILE instead of standard input;\n"
           "                 errors name the line (`FILE:3: error: ...`)\n"
           "  --seed N       make the nondeterministic choices (`x := *`, `if *`, the\n"
           "                 start of the search for a value satisfying an assumption)\n"
           "                 pseudo-random from seed N; by default the first option\n";
    if (network) {
        out += "  --me N         be endpoint N of the module's `include udp` network: bind\n"
               "                 UDP port P+N of 127.0.0.1, send packets as datagrams to\n"
               "                 port P+DST, and deliver the datagrams received (while\n"
               "                 reading lines) to the network's `recv`; malformed ones\n"
               "                 are dropped. Without --me, packets sent are dropped\n"
               "  --port-base P  the port P of endpoint 0 (default 4990)\n";
    }
    if (timers) {
        out += "  --timers       fire the module's `include timeout` timers (every second,\n"
               "                 first one second after the start) while reading lines\n"
               "                 from standard input";
        out += network ? "; a node (--me) always fires them.\n" : ".\n";
        out += "                 Otherwise timers never fire, so sessions are repeatable\n";
    }
    if (sorts.empty()) {
        out += "  SORT=N         (this module has no uninterpreted sort to size)\n";
    } else {
        out += "  SORT=N         the number of elements of an uninterpreted sort, ids\n"
               "                 0..N-1 (default 3); sorts: " + sizes + "\n";
    }
    out += "\nlines:\n"
           "  ACTION(ARG, ...)            call an exported action (`ACTION` alone when it\n"
           "                              has no arguments); results print as `= VALUE`\n"
           "  set_PARAM(ARG, ..., VALUE)  set a parameter (before the first action)\n"
           "  NAME(ARG, ...) := VALUE     set a state symbol at the arguments (`NAME := VALUE`\n"
           "                              for an individual), initializing the module first;\n"
           "                              for a parameter: the same as set_NAME\n"
           "  ?state                      print the state, one `NAME = VALUE` line per symbol\n"
           "  # comment                   ignored, as are blank lines\n"
           "\nvalues: ids of uninterpreted sorts, true/false, enum constructors, integers,\n"
           "structs {field:VALUE,...}; each is checked against its sort.\n"
           "Calls of imported actions print as `< NAME(ARGS)` and return default values.\n"
           "A failing line prints `error: ...` and the session goes on.\n"
           "\nexit status: 0 every line succeeded, 1 some line failed, 2 bad command line\n"
           "or unreadable FILE.\n";
    return out;
}

}  // namespace ivyc
