import AsyncHTTPClient
import Foundation
import HermesConfig
import HermesSimulators
import HermesTesting
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `hermes-bench serve` scraped by a real Prometheus server (Debian's `prometheus`) while
/// `hermes-bench run --live` runs: the series reach Prometheus's own query API.
@Suite("hermes-bench serve under Prometheus", .timeLimit(.minutes(3)))
struct PrometheusScrapeTests {
    static let scenario = """
        name: prom-check
        about: One user chatting for 30 s, scraped live.
        target: gateway
        llm: {first_token: 20ms, tokens_per_second: 1000, reply_tokens: {min: 10, max: 20}}
        workload: {model: closed, users: 1, duration: 30s, think_time: 50ms, sessions: 2}
        """

    @Test(.requires(.prometheus))
    func aLiveRunReachesPrometheus() async throws {
        try await Prerequisite.prometheus.require()
        let prometheus = try #require(Prerequisite.path(of: "prometheus"))
        let directory = NSTemporaryDirectory() + "prometheus-scrape-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/runs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.scenario.write(toFile: directory + "/prom-check.yaml", atomically: true, encoding: .utf8)

        _ = try await withChildProcess(Executables.hermesBench, ["serve", "--port", "0", "--runs", directory + "/runs"]) { serve in
            let metricsURL = try await serve.listeningURL().split(separator: " ").first.map(String.init) ?? ""
            let scrapeTarget = try #require(URL(string: metricsURL)).port.map { "127.0.0.1:\($0)" }
            let prometheusPort = try freeLoopbackPort()
            try """
            global: {scrape_interval: 1s, scrape_timeout: 1s}
            scrape_configs:
              - job_name: hermes-bench
                static_configs: [{targets: ["\(try #require(scrapeTarget))"]}]
            """.write(toFile: directory + "/prometheus.yml", atomically: true, encoding: .utf8)
            let arguments = [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/tsdb",
                "--web.listen-address=127.0.0.1:\(prometheusPort)", "--log.level=warn",
            ]
            _ = try await withChildProcess(prometheus, arguments) { _ in
                try await withChildProcess(
                    Executables.hermesBench, ["run", directory + "/prom-check.yaml", "--live", "--out", directory + "/runs"]
                ) { _ in try await checkSeries(port: prometheusPort) }
            }
        }
    }

    /// The running run's series, as Prometheus stored them from its scrapes. Prometheus has no
    /// way to announce a scrape, so its query API is asked every half second (for at most a
    /// minute) until they are there.
    private func checkSeries(port: Int) async throws {
        let query = "http://127.0.0.1:\(port)/api/v1/query?query="
        var running: [[String: Any]] = []
        var completed: [[String: Any]] = []
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            running = try await results(query + "hermes_bench_run_info%7Bstate%3D%22running%22%7D")
            completed = try await results(query + "hermes_bench_requests_total%7Boutcome%3D%22completed%22%7D")
            if !running.isEmpty, !completed.isEmpty { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let info = try #require(running.first?["metric"] as? [String: String], "no hermes_bench_run_info series reached Prometheus")
        #expect(info["scenario"] == "prom-check" && info["job"] == "hermes-bench")
        let sample = try #require(completed.first?["value"] as? [Any])
        #expect(Double(sample.last as? String ?? "") ?? 0 > 0, "completed turns were counted: \(sample)")
    }

    /// `data.result` of a Prometheus instant query; empty while Prometheus is starting.
    private func results(_ url: String) async throws -> [[String: Any]] {
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        } catch {
            return []
        }
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok,
            let json = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
            let data = json["data"] as? [String: Any]
        else { return [] }
        return data["result"] as? [[String: Any]] ?? []
    }

    /// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
    private func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw SimulatorError("socket() failed") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic -> Bool in
                bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
            }
        }
        guard bound else { throw SimulatorError("binding a loopback port failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
