// A static C++ program as users write them: iostream on stdout and stderr, an exception thrown
// and caught, a standard container; its exit status comes from main.
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>

static int parse(const std::string &word) {
    std::size_t used = 0;
    int value = std::stoi(word, &used);
    if (used != word.size())
        throw std::invalid_argument("not a number: " + word);
    return value;
}

int main(int argc, char **argv) {
    std::map<std::string, int> counts;
    for (int i = 1; i < argc; i++) {
        try {
            counts[argv[i]] = parse(argv[i]);
        } catch (const std::exception &e) {
            std::cout << "caught " << e.what() << std::endl;
        }
    }
    for (const auto &entry : counts)
        std::cout << entry.first << " = " << entry.second << std::endl;
    std::cerr << "done" << std::endl;
    return counts.size() == 2 ? 3 : 1;
}
