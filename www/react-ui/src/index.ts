// www/react-ui/src/index.ts: the React surface the react and nextjs hosts share: one hook, one view.

export { useHarnessHost, type HarnessHostState } from './useHarnessHost';
export { HarnessView } from './HarnessView';
