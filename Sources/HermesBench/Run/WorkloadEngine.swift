import HermesCore
import HermesSimulators
import Synchronization

/// Sends a scenario's requests to a target and records what happened.
///
/// Open model: each request starts at its scheduled time whatever the backlog, and its `turn`
/// latency is measured from that intended time, so a stalled target cannot hide its queueing
/// (coordinated omission); `turn.uncorrected` is measured from the actual send, as wrk2 `-U`
/// does. A request the generator itself started more than 1 ms late counts as a late start.
///
/// Closed model: `users` tasks each send, wait for the reply, think, and repeat until the
/// duration is over; latency is measured from the actual send.
struct WorkloadEngine: Sendable {
    let workload: Workload
    let seed: UInt64
    let scale: Double
    let target: any BenchTarget
    let recorder: RunRecorder
    /// Called once an interval while the workload runs.
    var progress: (@Sendable (RunProgress) -> Void)? = nil

    /// How far behind its schedule the generator may start a request before it counts as late.
    static let lateness = Duration.milliseconds(1)
    /// The length of an interval of the `.hlog` files, and how often `progress` hears.
    static let interval = Duration.seconds(1)

    /// Runs the workload; returns the wall time it took.
    func run() async -> Duration {
        let started = ContinuousClock.now
        let (schedule, total): (ArrivalSchedule?, Duration) =
            switch workload.model {
            case .open(let phases, let arrivals):
                (
                    ArrivalSchedule(phases: phases, arrivals: arrivals, scale: scale, seed: seed),
                    phases.reduce(.zero) { $0 + $1.duration } * scale
                )
            case .closed(_, let duration, _): (nil, duration * scale)
            }
        recorder.startIntervals(at: started, scheduled: schedule?.offsets.count)
        recorder.markPhase(at: started)
        await withTaskGroup(of: Void.self) { group in
            if case .open(let phases, _) = workload.model, phases.count > 1 {
                group.addTask {
                    var boundary = started
                    for phase in phases.dropLast() {
                        boundary += phase.duration * scale
                        try? await Task.sleep(until: boundary)
                        guard !Task.isCancelled else { return }
                        recorder.markPhase()
                    }
                }
            }
            group.addTask {
                var tick = started
                while !Task.isCancelled {
                    tick += Self.interval
                    try? await Task.sleep(until: tick)
                    guard !Task.isCancelled else { return }
                    recorder.closeInterval(at: tick)
                    guard let progress else { continue }
                    let elapsed = ContinuousClock.now - started
                    let due = schedule.map { $0.due(by: elapsed) }
                    let counts = recorder.progress()
                    progress(
                        RunProgress(
                            elapsed: elapsed, total: total, due: due, requests: counts.requests,
                            completed: counts.completed, failed: counts.failed, turnP99: counts.p99))
                }
            }
            switch workload.model {
            case .open:
                if let schedule { await runOpen(schedule) }
            case .closed(let users, _, let think):
                await runClosed(users: users, until: started + total, think: think)
            }
            group.cancelAll()
        }
        let finished = ContinuousClock.now
        recorder.closeInterval(at: finished)
        recorder.markPhase(at: finished)
        return finished - started
    }

    private func runOpen(_ schedule: ArrivalSchedule) async {
        let messages = MessageSource(workload: workload, seed: seed)
        let start = ContinuousClock.now + .milliseconds(5)
        await withDiscardingTaskGroup { group in
            for (index, offset) in schedule.offsets.enumerated() {
                let intended = start + offset
                if ContinuousClock.now < intended { try? await Task.sleep(until: intended) }
                let request = messages.request(index)
                group.addTask {
                    let sent = ContinuousClock.now
                    if sent - intended > Self.lateness { recorder.recordLateStart() }
                    let outcome = await target.send(request)
                    let done = ContinuousClock.now
                    recorder.record(outcome, intended: done - intended, actual: done - sent, group: request.group)
                }
            }
        }
    }

    private func runClosed(users: Int, until deadline: ContinuousClock.Instant, think: ClosedRange<Duration>) async {
        await withDiscardingTaskGroup { group in
            for user in 0..<users {
                group.addTask {
                    var generator = SeededGenerator(seed: seed &+ UInt64(user) &* 0x9E37_79B9)
                    let messages = MessageSource(workload: workload, seed: seed &+ UInt64(user))
                    var turn = 0
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        // User u owns sessions u, u+users, …: a session never has two turns in flight.
                        let index = user + turn * users
                        if let limit = workload.requestLimit, index >= limit { return }
                        let request = messages.request(index)
                        let sent = ContinuousClock.now
                        let outcome = await target.send(request)
                        let elapsed = ContinuousClock.now - sent
                        recorder.record(outcome, intended: elapsed, actual: elapsed, group: request.group)
                        turn += 1
                        let pause = think.lowerBound + (think.upperBound - think.lowerBound) * generator.unit()
                        if pause > .zero { try? await Task.sleep(for: pause) }
                    }
                }
            }
        }
    }
}

/// How a run is going, for the progress line.
public struct RunProgress: Sendable {
    /// Time since the workload started.
    public var elapsed: Duration
    /// How long the workload lasts.
    public var total: Duration
    /// Requests due by now (open model).
    public var due: Int?
    /// Requests answered so far.
    public var requests: Int
    /// Of which completed.
    public var completed: Int
    /// Of which failed or rejected.
    public var failed: Int
    /// The `turn` p99 so far.
    public var turnP99: Duration?

    /// One line: elapsed, answered against due, p99 so far, failures.
    public var line: String {
        let due = due.map { " of \($0) due" } ?? ""
        let p99 = turnP99.map { $0.shortDescription } ?? "-"
        return
            "\(Int(elapsed.seconds))s/\(Int(total.seconds.rounded()))s  answered \(requests)\(due)  completed \(completed)  failed \(failed)  turn p99 \(p99)"
    }
}

/// The k-th request of a run: its session and a seeded message of the workload's size.
struct MessageSource: Sendable {
    let workload: Workload
    let seed: UInt64

    private static let words = [
        "plan", "the", "next", "release", "check", "logs", "for", "errors", "summarise", "open", "issues", "and",
        "draft", "a", "reply", "about", "latency", "budget", "store", "session", "gateway", "tool", "search", "file",
    ]

    func request(_ index: Int) -> BenchRequest {
        let sessions = workload.sessions
        let turn = index / sessions
        var session = "bench-\(index % sessions)"
        // Past turns_per_session, the session starts over under a new id, so histories stay bounded.
        let restarted = workload.turnsPerSession.map { turn >= $0 } ?? false
        if restarted, let cap = workload.turnsPerSession { session += "-\(turn / cap)" }
        var generator = SeededGenerator(seed: seed &+ UInt64(index) &* 0x2545_F491_4F6C_DD1D)
        let range = workload.messageTokens
        let count = range.lowerBound + Int(generator.unit() * Double(range.count))
        var text = ""
        text.reserveCapacity(count * 8)
        for word in 0..<count {
            if word > 0 { text += " " }
            text += Self.words[Int(generator.unit() * Double(Self.words.count))]
        }
        // Only the first life of a prefilled session has the history.
        let group = workload.prefill.map { !restarted && index % sessions < $0.sessions ? "prefilled" : "fresh" }
        return BenchRequest(session: session, text: text, stream: workload.stream, group: group)
    }

    /// The histories the prefilled sessions start with, by session: alternating user and
    /// assistant messages of about 200 tokens, to about `prefill.tokens` in all.
    func prefilledHistories() -> [String: [Message]] {
        guard let prefill = workload.prefill else { return [:] }
        var histories: [String: [Message]] = [:]
        for index in 0..<prefill.sessions {
            var generator = SeededGenerator(seed: seed &+ 0xC0FFEE &+ UInt64(index))
            var history: [Message] = []
            var tokens = 0
            while tokens < prefill.tokens {
                var text = history.count % 2 == 0 ? "Earlier question \(history.count / 2):" : "Earlier answer:"
                for _ in 0..<160 { text += " " + Self.words[Int(generator.unit() * Double(Self.words.count))] }
                let message: Message = history.count % 2 == 0 ? .user(text) : .assistant(text)
                tokens += TokenEstimator().tokens(in: message)
                history.append(message)
            }
            if history.count % 2 == 1 { history.append(.assistant("Noted.")) }
            histories["bench-\(index)"] = history
        }
        return histories
    }
}
