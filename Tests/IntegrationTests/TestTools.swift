import Foundation
import HermesCore
import HermesTesting
import HermesTools
import Synchronization

/// A tool that records when it starts and ends in a shared log, and may first wait at a gate:
/// two calls that must overlap both wait at one gate, which the test opens once both arrived, so
/// calls run one after the other would never get through it.
struct ProbeTool: Tool {
    let spec: ToolSpec
    let isParallelSafe: Bool
    let gate: Gate?
    let log: EventLog

    init(name: String, parallelSafe: Bool, gate: Gate? = nil, log: EventLog) {
        spec = ToolSpec(
            name: name, description: "Records its run, then answers.",
            parameters: ["type": "object", "properties": ["label": ["type": "string"]], "required": []])
        isParallelSafe = parallelSafe
        self.gate = gate
        self.log = log
    }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        log.append("start \(spec.name)")
        await gate?.wait()
        log.append("end \(spec.name)")
        return #"{"ran":"\#(spec.name)"}"#
    }

    static func entry(_ name: String, parallelSafe: Bool, gate: Gate? = nil, log: EventLog) -> ToolRegistry.Entry {
        let tool = ProbeTool(name: name, parallelSafe: parallelSafe, gate: gate, log: log)
        return ToolRegistry.Entry(toolset: "test", spec: tool.spec) { tool }
    }
}

/// Events in the order they happened, from any task.
final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var values: [String] { events.withLock { $0 } }
}

func testContext() -> ToolContext {
    ToolContext(sessionID: SessionID("test-session"), workingDirectory: "/tmp")
}
