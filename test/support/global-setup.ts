// Placeholder replaced by the test-cluster support; starts nothing yet.
export default async function setup(): Promise<void> {}
