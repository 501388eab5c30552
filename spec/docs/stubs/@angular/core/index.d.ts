// The few @angular/core names the README's Angular snippets use, with their real call
// shapes, so the README check needs no Angular install (examples/angular has the real thing).
export type ClassDecorator = <T>(target: T, context?: unknown) => T | void;
export declare function Injectable(options?: { providedIn?: 'root' | null }): ClassDecorator;
export declare function Component(options: Record<string, unknown>): ClassDecorator;
export declare class InjectionToken<T> {
  constructor(description: string, options?: { providedIn?: 'root'; factory: () => T });
  protected readonly type?: T;
}
export declare function inject<T>(token: InjectionToken<T> | (abstract new (...args: never[]) => T)): T;
