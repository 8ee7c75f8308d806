import ArgumentParser
import Foundation
import HermesBench
import HermesConfig
import HermesCore

/// `hermes-bench validate FILE...`: checks scenario files without running anything.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check scenario files; exit 2 with FILE:LINE and what to write instead if one is wrong.")

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file, e.g. Scenarios/steady-load.yaml") }
    }

    func run() throws {
        var failed = false
        for file in files {
            do {
                let scenario = try ScenarioLoader.load(path: file)
                print("\(file): ok — \(scenario.name): \(scenario.summary)")
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.badInput.rawValue) }
    }
}

/// `hermes-bench list [DIR]`: the scenarios in a directory with their `about` line.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the scenario files of a directory (default Scenarios) with what each does.")

    @Argument(help: "The directory.")
    var directory: String = "Scenarios"

    func run() throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw ValidationError("cannot read the directory \(directory): \(error.localizedDescription)")
        }
        var failed = false
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            do {
                let scenario = try ScenarioLoader.load(path: path)
                print("\(scenario.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(scenario.about)")
            } catch {
                print("\(name.padding(toLength: 22, withPad: " ", startingAt: 0)) INVALID: \(error)")
                failed = true
            }
        }
        if names.isEmpty { print("no scenario files in \(directory)") }
        if failed { throw ExitCode(ExitStatus.badInput.rawValue) }
    }
}

/// `hermes-bench run FILE...`: replays scenarios and writes their reports.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scenario files; write report.json and summary.md under Reports/runs/.",
        discussion: """
            Exit status: 0 when every threshold held, 1 when one broke (each is named with its value and \
            bound), 2 for a bad scenario file or option. HERMES_BENCH_API_KEY is sent as the bearer key to a \
            url target.
            """)

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(name: .long, help: "Where run directories are made.")
    var out: String = "Reports/runs"

    @Option(name: .long, help: "Send the load to this OpenAI-compatible server instead of the scenario's target.")
    var target: String?

    @Option(name: .long, help: "Multiply every duration of the workload, e.g. 0.1 for a quick run.")
    var scale: Double = 1

    @Option(name: .long, help: "Run each scenario N times, one report each (timing gates need 3 or more).")
    var `repeat`: Int = 1

    @Flag(name: .long, help: "Rewrite live.prom in the run directory every second, for hermes-bench serve.")
    var live = false

    @Option(name: .long, help: "Check a gate: sleep this long before each request (inside the measured turn), e.g. 20ms.")
    var injectDelay: String?

    @Option(name: .long, help: "Check a gate: make this many extra heap allocations before each request.")
    var injectAllocations: Int = 0

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one scenario file, e.g. Scenarios/steady-load.yaml") }
        guard scale > 0, scale.isFinite else { throw ValidationError("--scale must be above 0, e.g. 0.1") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be 1 or more, e.g. 5") }
        guard injectAllocations >= 0 else { throw ValidationError("--inject-allocations must be 0 or more, e.g. 1000") }
        if let injectDelay, Duration(parsing: injectDelay) == nil {
            throw ValidationError("--inject-delay \"\(injectDelay)\" is not a duration; write e.g. 20ms")
        }
    }

    func run() async throws {
        var scenarios: [Scenario] = []
        for file in files {
            do {
                scenarios.append(try ScenarioLoader.load(path: file))
            } catch {
                FileHandle.standardError.write(Data("\(error)\n".utf8))
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        }
        // On a terminal the progress line is rewritten in place; otherwise a plain line every 5 s.
        let terminal = isatty(STDOUT_FILENO) == 1
        var options = RunOptions(
            outputDirectory: out, scale: scale, targetURL: target,
            apiKey: ProcessInfo.processInfo.environment["HERMES_BENCH_API_KEY"]
        ) { progress in
            if terminal {
                FileHandle.standardOutput.write(Data("\r\u{1B}[K\(progress.line)".utf8))
            } else if Int(progress.elapsed.seconds.rounded()) % 5 == 0 {
                FileHandle.standardOutput.write(Data("\(progress.line)\n".utf8))
            }
        }
        options.live = live
        let injection = Injection(delay: injectDelay.flatMap { Duration(parsing: $0) } ?? .zero, allocations: injectAllocations)
        if !injection.isEmpty {
            options.injection = injection
            say("injecting \(injectDelay ?? "no delay") and \(injectAllocations) allocations before each request")
        }
        var broken = false
        for scenario in scenarios {
            for repetition in 1...`repeat` {
                options.repetition = `repeat` > 1 ? repetition : nil
                say("running \(scenario.name)\(`repeat` > 1 ? " (\(repetition) of \(`repeat`))" : ""): \(scenario.summary)")
                broken = try await runOnce(scenario, options: options) || broken
            }
        }
        if broken { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    /// Runs one scenario once and prints its results; true when a threshold broke.
    private func runOnce(_ scenario: Scenario, options: RunOptions) async throws -> Bool {
        let result: RunResult
        do {
            result = try await ScenarioRunner.run(scenario, options: options)
        } catch let error as ScenarioError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        if isatty(STDOUT_FILENO) == 1 { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        let counts = result.report.counts
        say(
            "\(counts.completed) of \(counts.requests) turns completed in \(String(format: "%.1f", result.report.durationSeconds)) s "
                + "(\(String(format: "%.1f", result.report.throughputPerSecond))/s), \(counts.rejected) rejected, "
                + "\(counts.errors.values.reduce(0, +)) failed, \(counts.lateStarts) late starts")
        if let note = RunSummary.generatorNote(result.report) { say(note) }
        say(RunSummary.table(result.report))
        if !result.report.thresholds.isEmpty { say(RunSummary.thresholds(result.report)) }
        say("report: \(result.directory)/report.json")
        return !result.broken.isEmpty
    }
}

/// Writes a line to standard output at once, in order with the progress lines (which are not
/// buffered; `print` is, when standard output is not a terminal).
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
