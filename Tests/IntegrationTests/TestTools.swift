import Foundation
import HermesCore
import HermesTools

/// A tool that sleeps, to show which calls overlap in time.
struct SleepTool: Tool {
    let spec: ToolSpec
    let isParallelSafe: Bool
    let delay: Duration

    init(name: String, parallelSafe: Bool, delay: Duration = .milliseconds(300)) {
        spec = ToolSpec(
            name: name, description: "Sleeps, then answers.",
            parameters: ["type": "object", "properties": ["label": ["type": "string"]], "required": []])
        isParallelSafe = parallelSafe
        self.delay = delay
    }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        try await Task.sleep(for: delay)
        return #"{"slept":"\#(spec.name)"}"#
    }

    static func entry(_ name: String, parallelSafe: Bool, delay: Duration = .milliseconds(300)) -> ToolRegistry.Entry {
        let tool = SleepTool(name: name, parallelSafe: parallelSafe, delay: delay)
        return ToolRegistry.Entry(toolset: "test", spec: tool.spec) { tool }
    }
}

func testContext() -> ToolContext {
    ToolContext(sessionID: SessionID("test-session"), workingDirectory: "/tmp")
}

/// The `hermes` executable built beside the test binary.
let hermesExecutable: String = {
    let testBinary = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    return URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent("hermes").path
}()
