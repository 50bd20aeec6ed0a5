// std::thread, std::mutex, std::condition_variable and thread_local in a static g++ -pthread
// program: three threads take turns, each with its own thread_local counter.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

thread_local int own_turns = 0;

int main() {
    std::mutex m;
    std::condition_variable cv;
    int turn = 0;
    std::string order;
    std::vector<int> counts(3);
    std::vector<std::thread> threads;
    for (int id = 0; id < 3; id++) {
        threads.emplace_back([&, id] {
            for (int r = 0; r < 50; r++) {
                std::unique_lock<std::mutex> lock(m);
                cv.wait(lock, [&] { return turn % 3 == id; });
                order += static_cast<char>('a' + id);
                turn++;
                own_turns++;
                cv.notify_all();
            }
            std::lock_guard<std::mutex> lock(m);
            counts[id] = own_turns;
        });
    }
    for (auto &t : threads) t.join();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::cout << "turns " << turn << ", first " << order.substr(0, 9) << ", each " << counts[0] << " " << counts[1] << " "
              << counts[2] << ", main's own " << own_turns << std::endl;
    return 0;
}
