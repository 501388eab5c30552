// @ai-sdk/angular's Chat as its own declarations have it (it extends ai's AbstractChat with a
// signals state): the package is not installable here, so the README's snippet is checked
// against this, over the real `ai` types.
import { AbstractChat, type ChatInit, type UIMessage } from 'ai';

export declare class Chat<UI_MESSAGE extends UIMessage = UIMessage> extends AbstractChat<UI_MESSAGE> {
  constructor(init?: ChatInit<UI_MESSAGE>);
}
