import type { Observable } from 'rxjs';
export type Signal<T> = () => T;
export declare function toSignal<T, U>(source: Observable<T>, options: { initialValue: U }): Signal<T | U>;
