import HermesCore

/// `skills_list`: the skills offered (name, description, category), sorted by category and name,
/// optionally of one category. Python's `skills_list`, answers and messages included; it creates
/// the skills directory when there is none, as Python's does.
struct SkillsListTool: Tool {
    static let spec = ToolSpec(
        name: "skills_list",
        description: "List available skills (name + description). Use skill_view(name) to load full content.",
        parameters: [
            "type": "object",
            "properties": ["category": ["type": "string", "description": "Optional category filter to narrow results"]],
        ]
    )

    var spec: ToolSpec { Self.spec }
    var isParallelSafe: Bool { true }

    func run(_ arguments: JSONValue, context: ToolContext) async throws -> String {
        guard let library = context.skills else { return SkillsLibrary.unavailable.text }
        let category = arguments["category"]?.stringValue
        return try await FileIO.offload { library.list(category: category).text }
    }
}

extension SkillsLibrary {
    /// The answer of a skills tool in a runtime with no `$HERMES_HOME` (the harness's): there
    /// is no skills directory to use. Python always has a home, so it never says this.
    static let unavailable = PythonJSON.toolError("Skills are not available: this runtime has no HERMES_HOME.")

    /// Python's `skills_list(category)`.
    func list(category: String?) -> PythonJSON {
        guard SkillFiles.isDirectory(skillsDirectory) else {
            do {
                try MemoryFile.makeDirectory(skillsDirectory)
            } catch {
                return .toolError(error.message)
            }
            return .object([
                "success": true, "skills": [], "categories": [],
                "message": .string("No skills found. Skills directory created at \(displayHome)/skills/"),
            ])
        }
        var skills = allSkills()
        guard !skills.isEmpty else {
            return .object(["success": true, "skills": [], "categories": [], "message": "No skills found in skills/ directory."])
        }
        if let category, !category.isEmpty { skills = skills.filter { $0.category == category } }
        skills = Self.sorted(skills)
        let categories = Set(skills.compactMap { $0.category.flatMap { $0.isEmpty ? nil : $0 } }).sorted(by: SkillFiles.codePointOrder)
        return .object([
            "success": true, "skills": .array(skills.map(\.json)), "categories": .strings(categories), "count": .int(skills.count),
            "hint": "Use skill_view(name) to see full content, tags, and linked files",
        ])
    }
}
