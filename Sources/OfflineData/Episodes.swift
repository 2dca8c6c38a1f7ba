/// One episode of a dataset: consecutive rows ending at a terminal, a timeout, or the file's end.
public struct Episode: Sendable, Equatable {
    /// Why an episode ended.
    public enum Ending: String, Sendable {
        case terminal, timeout
        /// The file ends mid-episode (D4RL truncates every key to the transition budget).
        case cut
    }

    /// The rows of the episode.
    public var rows: Range<Int>
    /// The undiscounted sum of its rewards (accumulated in Double).
    public var totalReward: Double
    /// How it ended.
    public var ending: Ending

    /// The number of steps.
    public var length: Int { rows.count }
}

/// Summary statistics of episode returns and lengths.
public struct EpisodeStatistics: Sendable {
    /// The number of episodes.
    public var count: Int
    /// Mean undiscounted episode return.
    public var meanReturn: Double
    /// Population standard deviation of the returns.
    public var standardDeviation: Double
    /// Lowest episode return.
    public var minReturn: Double
    /// Highest episode return.
    public var maxReturn: Double
    /// Mean episode length in steps.
    public var meanLength: Double
    /// Episodes that end in a true termination (`terminals`).
    public var terminalCount: Int
    /// Episodes that end at the time limit (`timeouts`).
    public var timeoutCount: Int
    /// Episodes cut by the end of the file, neither terminal nor timed out.
    public var cutCount: Int

    /// Computes statistics over `episodes` (all zero for none).
    public init(_ episodes: [Episode]) {
        count = episodes.count
        let returns = episodes.map(\.totalReward)
        meanReturn = returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count)
        let mean = meanReturn
        standardDeviation = returns.isEmpty ? 0 : (returns.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(returns.count)).squareRoot()
        minReturn = returns.min() ?? 0
        maxReturn = returns.max() ?? 0
        meanLength = episodes.isEmpty ? 0 : Double(episodes.map(\.length).reduce(0, +)) / Double(episodes.count)
        terminalCount = episodes.filter { $0.ending == .terminal }.count
        timeoutCount = episodes.filter { $0.ending == .timeout }.count
        cutCount = episodes.filter { $0.ending == .cut }.count
    }
}

extension OfflineDataset {
    /// Splits the rows into episodes at each terminal or timeout flag; rows after the last flag
    /// form a final episode marked ``Episode/Ending/cut`` (TFDS counts it the same way).
    ///
    /// - Returns: The episodes in file order, with returns and lengths.
    public func episodes() -> [Episode] {
        var result = [Episode]()
        var start = 0
        var total = 0.0
        rewards.withUnsafeBufferPointer { r in
            for i in 0..<count {
                total += Double(r[i])
                let timeout = timeouts?[i] ?? false
                if terminals[i] || timeout {
                    result.append(Episode(rows: start..<(i + 1), totalReward: total, ending: terminals[i] ? .terminal : .timeout))
                    start = i + 1
                    total = 0
                }
            }
        }
        if start < count { result.append(Episode(rows: start..<count, totalReward: total, ending: .cut)) }
        return result
    }
}
