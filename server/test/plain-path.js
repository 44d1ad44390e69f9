// The "plain path" jest project (jest.config.js): the servers its tests start, in-process or as
// child processes, take the plain path, because NO_CACHE=1 says so, as it would to a user.
process.env.NO_CACHE = '1';
