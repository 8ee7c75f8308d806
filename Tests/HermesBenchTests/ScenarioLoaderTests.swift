import Foundation
import HermesBench
import HermesConfig
import HermesCore
import HermesSimulators
import Testing

@Suite struct ScenarioLoaderTests {
    static let valid = """
        name: webhook-flood
        about: 2,000 Telegram-style webhooks from 500 chats in 10 s.
        target: gateway
        seed: 7
        llm:
          first_token: {median: 40ms, p99: 200ms}
          tokens_per_second: 80
          reply_tokens: {min: 20, max: 200}
          tool_calls: [{tool: web_search, probability: 0.3, arguments: {query: swift, max_results: 3}}]
          errors: {rate: 1%, status: 429}
        platform: {delay: 20ms}
        workload:
          model: open
          arrivals: poisson
          phases:
            - {duration: 10s, rate: 200/s}
            - {duration: 20s, rate: 200/s, ramp_to: 60000/m}
          sessions: 500
          turns_per_session: 4
          message_tokens: {min: 5, max: 80}
          via: telegram
        thresholds:
          turn.p99: "< 250ms"
          tool.web_search.p50: "<= 1s"
          error_rate: "< 0.5%"
          allocs_per_turn: "< 4000"
          throughput: ">= 150/s"
          late_start_rate: "< 1%"
        gate:
          overhead.p99: +10%
          throughput: "-5%"
        """

    @Test func aFullScenarioReadsIntoItsModel() throws {
        let scenario = try ScenarioLoader.parse(Self.valid, file: "flood.yaml")
        #expect(scenario.name == "webhook-flood")
        #expect(scenario.target == .gateway)
        #expect(scenario.seed == 7 && scenario.llm.seed == 7)
        #expect(scenario.llm.firstToken == .init(median: .milliseconds(40), p99: .milliseconds(200)))
        #expect(scenario.llm.toolCalls.first?.arguments == ["query": "swift", "max_results": 3])
        #expect(scenario.llm.errors.first?.status == 429 && scenario.llm.errors.first?.rate == 0.01)
        #expect(scenario.platformDelay == .milliseconds(20))
        guard case .open(let phases, let arrivals) = scenario.workload.model else {
            Issue.record("an open workload was expected")
            return
        }
        #expect(arrivals == .poisson)
        #expect(phases.count == 2 && phases[1].rampTo == Rate(perSecond: 1000))
        #expect(scenario.workload.channel == .telegram && scenario.workload.turnsPerSession == 4)
        #expect(scenario.thresholds.count == 6)
        #expect(scenario.thresholds.contains { $0.figure == .lateStartRate && $0.bound == 0.01 })
        let p99 = try #require(scenario.thresholds.first { $0.figure == .latency(operation: "turn", statistic: .p99) })
        #expect(p99.comparison == .lessThan && p99.bound == 0.25 && p99.line == 23)
        #expect(scenario.thresholds.contains { $0.figure == .latency(operation: "tool.web_search", statistic: .p50) })
        #expect(scenario.thresholds.contains { $0.figure == .throughput && $0.comparison == .atLeast && $0.bound == 150 })
        #expect(scenario.gate.contains { $0.figure == .throughput && $0.tolerance == 0.05 })
    }

    @Test func aClosedWorkloadAndAURLTarget() throws {
        let scenario = try ScenarioLoader.parse(
            """
            name: peer
            about: The Python API server under 20 users.
            target: {url: "http://127.0.0.1:8642/"}
            workload: {model: closed, users: 20, duration: 1m, think_time: {min: 1s, max: 3s}, requests: 500}
            """, file: "peer.yaml")
        #expect(scenario.workload.requestLimit == 500)
        #expect(scenario.target == .url("http://127.0.0.1:8642"))
        #expect(scenario.workload.model == .closed(users: 20, duration: .seconds(60), thinkTime: .seconds(1)...(.seconds(3))))
        #expect(scenario.workload.sessions == 100 && scenario.workload.messageTokens == 5...80)
    }

    /// Each mistake: the line it must be reported at, and words the message must contain.
    @Test(arguments: [
        (
            "name: x\nabout: y\ntarget: gateway\nworkload: {model: open, phases: [{duration: 1s, rate: 10/s}]}\nthreshold: {}", 5,
            "unknown key \"threshold\" — did you mean \"thresholds\"?"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open\n  phases: [{duration: 10, rate: 10/s}]", 6,
            "\"10\" is not a duration — write a number with a unit"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open\n  phases: [{duration: 1s, rate: 10}]", 6,
            "\"10\" is not a rate — write events per unit of time: 200/s"
        ),
        ("name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open\n  phases:\n    - {duration: 1s, rate: 0/s}", 7, "must be above 0/s"),
        (
            "name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open\n  phases: [{duration: 1s, rate: 2000000/s}]", 6,
            "more than one generator can schedule"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nllm:\n  reply_tokens: {min: 90, max: 10}\nworkload: {model: closed, users: 1, duration: 1s}", 5,
            "min (90) is above max (10); swap them"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nllm:\n  first_token: {median: 200ms, p99: 40ms}\nworkload: {model: closed, users: 1, duration: 1s}",
            5, "p99 (40ms) is below the median (200ms)"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nllm:\n  tool_calls: [{tool: web_search, probability: 1.5}]\nworkload: {model: closed, users: 1, duration: 1s}",
            5, "probability is 1.5; it must be between 0 and 1"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\nllm:\n  errors: [{kind: timeout, rate: 0.1}]\nworkload: {model: closed, users: 1, duration: 1s}", 5,
            "kind: unknown kind \"timeout\"; write one of status, truncate"
        ),
        ("name: x\nabout: y\ntarget: gateway\nworkload: {model: closed, users: 0, duration: 1s}", 4, "workload.users is 0; it must be at least 1"),
        (
            "name: x\nabout: y\ntarget: gateway\nworkload:\n  model: closed\n  users: 5\n  duration: 1s\n  phases: []", 8,
            "workload.phases belongs to the open model"
        ),
        ("name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open", 5, "an open workload needs phases"),
        (
            "name: x\nabout: y\ntarget: gateway\nworkload:\n  model: open\n  phases: [{duration: 1s, rate: 10/s}]\n  requests: 10", 7,
            "workload.requests belongs to the closed model"
        ),
        (
            "name: x\nabout: y\ntarget: lambda\nworkload: {model: closed, users: 1, duration: 1s}", 3,
            "target \"lambda\" is not one of agent, gateway, store"
        ),
        ("name: x\nabout: y\ntarget: {url: ftp://host}\nworkload: {model: closed, users: 1, duration: 1s}", 3, "must be http:// with a host"),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s, via: telegram}", 4,
            "via: telegram needs target: gateway"
        ),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}\nthresholds:\n  turn.p99: \"250ms\"", 6,
            "needs a comparison first"
        ),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}\nthresholds:\n  turn.p98: \"< 1s\"", 6,
            "\"p98\" is not a statistic"
        ),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}\nthresholds:\n  latency: \"< 1s\"", 6,
            "\"latency\" is not a figure"
        ),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}\nthresholds:\n  error_rate: \"< 1s\"", 6,
            "\"1s\" is not a bound for this figure — write e.g. \"< 0.5%\""
        ),
        (
            "name: x\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}\ngate:\n  turn.p99: \"10 percent\"", 6,
            "is not a relative change"
        ),
        (
            "name: Webhook Flood\nabout: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}", 1,
            "must be lower-case letters, digits and dashes"
        ),
        ("about: y\ntarget: agent\nworkload: {model: closed, users: 1, duration: 1s}", 1, "\"name\" is missing"),
        ("name: x\nabout: y\ntarget: agent\nworkload:\n  model: closed\n   users: 1", 6, "not valid YAML"),
        (
            "name: x\nabout: y\ntarget: agent\nseed: -1\nworkload: {model: closed, users: 1, duration: 1s}", 4,
            "seed must be a whole number of 0 or more"
        ),
        (
            "name: x\nabout: y\ntarget: agent\ngateway: {max_concurrent_turns: 8}\nworkload: {model: closed, users: 1, duration: 1s}", 4,
            "needs target: gateway"
        ),
        (
            "name: x\nabout: y\ntarget: gateway\ngateway:\n  max_concurrent_turns: 0\nworkload: {model: closed, users: 1, duration: 1s}", 5,
            "gateway.max_concurrent_turns"
        ),
    ])
    func mistakesAreReportedAtTheirLine(yaml: String, line: Int, words: String) {
        #expect {
            _ = try ScenarioLoader.parse(yaml, file: "bad.yaml")
        } throws: { error in
            guard let error = error as? ScenarioError else { return false }
            let matches = error.line == line && error.message.contains(words) && error.description.hasPrefix("bad.yaml:\(line): ")
            if !matches { print("got: \(error)") }
            return matches
        }
    }

    @Test func anUnreadableOrEmptyFileIsRefused() {
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(path: "/nonexistent/scenario.yaml") }
        #expect { try ScenarioLoader.parse("", file: "empty.yaml") } throws: { error in
            (error as? ScenarioError)?.message.contains("the file is empty") == true
        }
    }
}

@Suite struct QuantityTests {
    @Test func ratesSizesAndPercents() {
        #expect(Rate(parsing: "200/s")?.perSecond == 200)
        #expect(Rate(parsing: "12000/m")?.perSecond == 200)
        #expect(Rate(parsing: "3/ms")?.perSecond == 3000)
        #expect(Rate(parsing: "200") == nil && Rate(parsing: "-1/s") == nil && Rate(parsing: "5/day") == nil)
        #expect(ByteSize(parsing: "4KiB")?.bytes == 4096)
        #expect(ByteSize(parsing: "1.5MB")?.bytes == 1_500_000)
        #expect(ByteSize(parsing: "12") == nil)
        #expect(Percent(parsing: "0.5%")?.fraction == 0.005)
        #expect(Percent(parsing: "+10%")?.fraction == 0.1)
        #expect(Percent(parsing: "10") == nil)
    }
}

@Suite struct ShippedScenarioTests {
    @Test(arguments: ["Scenarios", "Scenarios/peer"])
    func everyScenarioInTheRepositoryIsValid(directory: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(directory)
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 5)
        var names = Set<String>()
        for file in files {
            let scenario = try ScenarioLoader.load(path: root.appendingPathComponent(file).path)
            #expect(file == scenario.name + ".yaml", "a scenario's file is named after it")
            names.insert(scenario.name)
        }
        #expect(names.count == files.count)
    }

    /// The suite the README lists, each with a committed baseline made under the file's current
    /// seed and gate rules.
    @Test func theSuiteHasABaselineForEveryScenario() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let suite = ["smoke", "steady-load", "webhook-flood", "compression-burst", "store-write-storm", "tool-fanout", "cold-start", "soak"]
        for name in suite {
            let scenario = try ScenarioLoader.load(path: repository.appendingPathComponent("Scenarios/\(name).yaml").path)
            let baseline = try Baseline.load([repository.appendingPathComponent("Reports/baselines/\(name).json").path])
            #expect(baseline.scenario.name == name && baseline.scenario.seed == scenario.seed && baseline.scenario.scale == 1)
            #expect(baseline.injection == nil && baseline.gitCommit != nil)
            for rule in scenario.gate {
                #expect(baseline.figures[rule.figure.description] != nil, "\(name): the baseline lacks \(rule.figure), which gate: names")
            }
            #expect(
                Set(baseline.gate.map(\.figure)) == Set(scenario.gate.map(\.figure.description)), "\(name): gate rules changed since the baseline")
        }
    }
}
