import Foundation
import HermesCore
import HermesTools

/// Runs the tool calls of one model response.
///
/// Calls are split into segments in the order the model asked: consecutive parallel-safe calls
/// form one segment and run concurrently (a task group); a call that is not parallel-safe runs
/// alone, after everything before it and before anything after it. So a write never races a read
/// the model ordered around it, and reads still overlap. Results come back in the asked order.
public struct ToolExecutor: Sendable {
    /// Where tools are found.
    public let registry: ToolRegistry
    /// The tools this agent may call (its toolset selection).
    public let enabled: Set<String>
    /// The longest result handed back to the model, in characters.
    public let maxResultCharacters: Int
    /// When set, only these of the enabled tools run; the others are refused with this message
    /// (a background review is offered every tool, so that its request is the session's bytes,
    /// and may run only the memory and skills tools).
    public let restriction: (tools: Set<String>, refusal: @Sendable (String) -> String)?

    /// Makes an executor over `registry`, allowing the tools named in `enabled` (and only those
    /// of them in `restriction`, when given) and cutting results past `maxResultCharacters`.
    public init(
        registry: ToolRegistry, enabled: Set<String>, maxResultCharacters: Int = 100_000,
        restriction: (tools: Set<String>, refusal: @Sendable (String) -> String)? = nil
    ) {
        self.registry = registry
        self.enabled = enabled
        self.maxResultCharacters = maxResultCharacters
        self.restriction = restriction
    }

    /// `result` cut to `maxResultCharacters`: its head and tail, with a marker saying how much
    /// of the middle was dropped.
    func bounded(_ result: String) -> String {
        let count = result.count
        guard count > maxResultCharacters else { return result }
        let head = maxResultCharacters * 7 / 10
        let tail = maxResultCharacters - head
        return String(result.prefix(head))
            + "\n\n[… \(count - head - tail) characters of this tool result dropped: it was \(count) characters, past the \(maxResultCharacters) the model is given …]\n\n"
            + String(result.suffix(tail))
    }

    /// Runs `calls`; never throws for a tool's failure (that becomes an error result for the
    /// model), only for cancellation.
    public func execute(
        _ calls: [ToolCall], context: ToolContext, onEvent: AgentEventHandler?
    ) async throws -> [ToolRun] {
        var runs: [ToolRun] = []
        runs.reserveCapacity(calls.count)
        var index = 0
        while index < calls.count {
            try Task.checkCancellation()
            var end = index + 1
            if isParallelSafe(calls[index]) {
                while end < calls.count, isParallelSafe(calls[end]) { end += 1 }
            }
            if end - index == 1 {
                runs.append(await run(calls[index], context: context, onEvent: onEvent))
            } else {
                let segment = Array(calls[index..<end])
                let results = await withTaskGroup(of: (Int, ToolRun).self) { group in
                    for (offset, call) in segment.enumerated() {
                        group.addTask { (offset, await self.run(call, context: context, onEvent: onEvent)) }
                    }
                    var ordered = [ToolRun?](repeating: nil, count: segment.count)
                    for await (offset, run) in group { ordered[offset] = run }
                    return ordered.compactMap { $0 }
                }
                runs.append(contentsOf: results)
            }
            index = end
        }
        try Task.checkCancellation()
        return runs
    }

    private func isParallelSafe(_ call: ToolCall) -> Bool {
        guard enabled.contains(call.name), let tool = registry.tool(named: call.name) else {
            // An unknown tool only produces an error result; it may run beside anything.
            return true
        }
        return tool.isParallelSafe
    }

    private func run(_ call: ToolCall, context: ToolContext, onEvent: AgentEventHandler?) async -> ToolRun {
        onEvent?(.toolStarted(call))
        let started = ContinuousClock.now
        let result: String
        var isError = false
        do {
            result = try await invoke(call, context: context)
        } catch let error as ToolError {
            result = error.resultText
            isError = true
        } catch is CancellationError {
            result = ToolError(.failed, "\(call.name): cancelled").resultText
            isError = true
        } catch {
            result = ToolError(.failed, "\(call.name): \(error)").resultText
            isError = true
        }
        let run = ToolRun(call: call, result: bounded(result), isError: isError, started: started, ended: .now)
        onEvent?(.toolFinished(run))
        return run
    }

    private func invoke(_ call: ToolCall, context: ToolContext) async throws -> String {
        guard enabled.contains(call.name), let tool = registry.tool(named: call.name) else {
            let names = enabled.sorted().joined(separator: ", ")
            throw ToolError(.unknownTool, "unknown tool '\(call.name)'; the tools available are: \(names)")
        }
        if let restriction, !restriction.tools.contains(call.name) {
            throw ToolError(.refused, restriction.refusal(call.name))
        }
        let trimmed = call.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        let arguments: JSONValue
        do {
            arguments = trimmed.isEmpty ? .object([:]) : try JSONValue(parsing: trimmed)
        } catch {
            throw ToolError(.invalidArguments, "\(call.name): the arguments are not valid JSON (\(error.message))")
        }
        let valid = try ArgumentValidator.validated(arguments, against: tool.spec.parameters, tool: call.name)
        return try await tool.run(valid, context: context)
    }
}
