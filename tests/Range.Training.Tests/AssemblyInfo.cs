// Training seeds TorchSharp's process-wide generator (initialisation, dropout): tests running in parallel in
// one process would draw from each other's sequence, so this assembly runs its tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
