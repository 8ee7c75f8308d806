import HermesCore

/// Python's self-improvement nudges: every so many user turns the memory is reviewed, and once
/// so many model calls have passed without a `skill_manage` call the skills are, by a review
/// that runs after the turn's reply (`agent/background_review.py`). 0 turns a nudge off.
public struct ReviewNudges: Sendable, Hashable {
    /// A review of the memory every this many user turns (`memory.nudge_interval`).
    public var memoryTurns: Int
    /// A review of the skills after this many model calls without `skill_manage`
    /// (`skills.creation_nudge_interval`).
    public var skillCalls: Int

    /// Nudges; Python's defaults are 10 and 10.
    public init(memoryTurns: Int = 10, skillCalls: Int = 10) {
        self.memoryTurns = max(0, memoryTurns)
        self.skillCalls = max(0, skillCalls)
    }
}

/// A review a finished turn asks for: what to review, and the conversation and prompt it
/// reviews (as the turn left them).
public struct ReviewRequest: Sendable {
    /// Whether the memory is to be reviewed.
    public var memory: Bool
    /// Whether the skills are to be reviewed.
    public var skills: Bool
    /// The conversation, without the system prompt.
    public var history: [Message]
    /// The session's system prompt, which the review sends as it is, so that its request
    /// begins with the session's bytes (a provider's prompt cache is warm for them).
    public var systemPrompt: String

    /// What the review asks the model, as Python picks it: the combined prompt when both are due.
    var prompt: String {
        (memory && skills ? PythonReviewPrompts.combined : memory ? PythonReviewPrompts.memory : PythonReviewPrompts.skills)
            + PythonReviewPrompts.toolsNote
    }
}

/// The counters behind the nudges, as Python keeps them per agent: user turns since the last
/// memory review or `memory` call, model calls since the last skills review or `skill_manage`
/// call. A value-type state machine, advanced by the agent's turn loop.
struct ReviewCounters: Sendable {
    let nudges: ReviewNudges
    private(set) var turnsSinceMemory = 0
    private(set) var callsSinceSkill = 0

    /// Counters for an agent made with `history`: the memory count goes on from the user turns
    /// already in it, as Python's gateway restores it; the skills count starts at 0.
    init(nudges: ReviewNudges, history: [Message]) {
        self.nudges = nudges
        if nudges.memoryTurns > 0 {
            turnsSinceMemory = history.lazy.filter { $0.role == .user }.count % nudges.memoryTurns
        }
    }

    /// A user turn starts; true when it is the one the memory review follows.
    mutating func turnStarted(memoryOffered: Bool) -> Bool {
        guard nudges.memoryTurns > 0, memoryOffered else { return false }
        turnsSinceMemory += 1
        guard turnsSinceMemory >= nudges.memoryTurns else { return false }
        turnsSinceMemory = 0
        return true
    }

    /// A model call is about to be made.
    mutating func modelCall(skillsOffered: Bool) {
        if nudges.skillCalls > 0, skillsOffered { callsSinceSkill += 1 }
    }

    /// A tool ran: `memory` and `skill_manage` reset their own count.
    mutating func toolRan(_ name: String) {
        if name == "memory" {
            turnsSinceMemory = 0
        } else if name == "skill_manage" {
            callsSinceSkill = 0
        }
    }

    /// The turn ended; true when the skills review is due.
    mutating func turnEnded(skillsOffered: Bool) -> Bool {
        guard nudges.skillCalls > 0, skillsOffered, callsSinceSkill >= nudges.skillCalls else { return false }
        callsSinceSkill = 0
        return true
    }
}
