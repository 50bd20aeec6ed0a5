// A C++ program as people write them, linked with g++ -static: iostream, a static constructor,
// std::string, std::vector, std::map, std::sort, and an exception thrown and caught.
#include <algorithm>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Registry {
    std::vector<std::string> entries;
    Registry() { entries.push_back("constructed before main"); }
};

Registry registry;

int parse(const std::string &word) {
    std::size_t used = 0;
    int value = std::stoi(word, &used);
    if (used != word.size()) {
        throw std::invalid_argument("not a number: " + word);
    }
    return value;
}

}  // namespace

int main(int argc, char **argv) {
    std::cout << "static constructor: " << registry.entries.front() << std::endl;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::cout << "arguments:";
    for (const std::string &arg : args) {
        std::cout << " [" << arg << "]";
    }
    std::cout << '\n';

    std::vector<int> numbers;
    for (const std::string &arg : args) {
        try {
            numbers.push_back(parse(arg));
        } catch (const std::invalid_argument &e) {
            std::cout << "caught std::invalid_argument: " << e.what() << '\n';
        }
    }
    std::sort(numbers.begin(), numbers.end());
    std::cout << "sorted:";
    for (int n : numbers) {
        std::cout << ' ' << n;
    }
    std::cout << '\n';

    std::map<std::string, int> lengths;
    for (const std::string &arg : args) {
        lengths[arg] = static_cast<int>(arg.size());
    }
    for (const auto &[word, length] : lengths) {
        std::cout << word << " has " << length << " characters\n";
    }

    try {
        throw std::runtime_error("thrown through two frames");
    } catch (const std::exception &e) {
        std::cerr << "caught on stderr: " << e.what() << std::endl;
    }
    return static_cast<int>(numbers.size());
}
